// A WhatsApp Cloud API stand-in fast enough to measure cart_abandon, not itself: one thread,
// epoll, HTTP/1.1 keep-alive, answers after a fixed delay from a timer queue (so 128 requests in
// flight cost 128 timers, not 128 threads). The Python stand-in of the tests tops out near
// 2,000 requests/s; this one is measured with wrk by the benchmark.
//
//   fast_standin --port-file F --token-file F --phone-number-id ID [--delay-ms N]
//   POST /vX.Y/ID/messages    200 with a wamid, 401 on a wrong token, 404 on another path
//   POST /_control/delay      body: milliseconds     POST /_control/reset   forget the arrivals
//   GET  /_control/arrivals   arrival times of accepted messages, microseconds since the epoch
//   GET  /_control/health
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <functional>
#include <iostream>
#include <queue>
#include <sstream>
#include <string>
#include <unordered_map>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

struct Connection {
    std::string in;
    std::string out;
    uint64_t generation = 0;
};

struct PendingAnswer {
    Clock::time_point due;
    int fd;
    uint64_t generation;
    std::string response;
    bool operator>(const PendingAnswer& other) const { return due > other.due; }
};

struct Request {
    std::string method, path, authorization, body;
};

std::string http_response(int status, const std::string& body, const char* type = "application/json") {
    const char* reason = status == 200   ? "OK"
                         : status == 401 ? "Unauthorized"
                         : status == 404 ? "Not Found"
                                         : "Bad Request";
    std::string r = "HTTP/1.1 " + std::to_string(status) + " " + reason + "\r\nContent-Type: " + type +
                    "\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n";
    return r + body;
}

std::string meta_error(int code, const std::string& message) {
    return R"({"error":{"message":")" + message + R"(","type":"OAuthException","code":)" + std::to_string(code) + "}}";
}

// The value of "to" in the request body, good enough for the answer's echo.
std::string recipient(const std::string& body) {
    const auto key = body.find("\"to\"");
    if (key == std::string::npos) return {};
    const auto open = body.find('"', body.find(':', key) + 1);
    const auto close = open == std::string::npos ? open : body.find('"', open + 1);
    if (close == std::string::npos) return {};
    return body.substr(open + 1, close - open - 1);
}

// Parses one request from the front of `in`; false when it is not complete yet.
bool take_request(std::string& in, Request& request, bool& malformed) {
    const auto header_end = in.find("\r\n\r\n");
    if (header_end == std::string::npos) {
        malformed = in.size() > 65536;
        return false;
    }
    std::istringstream head(in.substr(0, header_end));
    std::string line;
    std::getline(head, line);
    std::istringstream request_line(line);
    request_line >> request.method >> request.path;
    size_t content_length = 0;
    request.authorization.clear();
    while (std::getline(head, line)) {
        if (!line.empty() && line.back() == '\r') line.pop_back();
        const auto colon = line.find(':');
        if (colon == std::string::npos) continue;
        std::string name = line.substr(0, colon);
        for (auto& c : name) c = char(std::tolower(static_cast<unsigned char>(c)));
        std::string value = line.substr(colon + 1);
        value.erase(0, value.find_first_not_of(' '));
        if (name == "content-length")
            content_length = std::strtoul(value.c_str(), nullptr, 10);
        else if (name == "authorization")
            request.authorization = value;
    }
    if (in.size() < header_end + 4 + content_length) return false;
    request.body = in.substr(header_end + 4, content_length);
    in.erase(0, header_end + 4 + content_length);
    return true;
}

class Server {
public:
    Server(std::string token, std::string phone_number_id, int delay_ms)
        : token_("Bearer " + std::move(token)),
          messages_path_suffix_("/" + phone_number_id + "/messages"),
          delay_(delay_ms) {}

    int listen_on_loopback() {
        listener_ = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
        int one = 1;
        setsockopt(listener_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        if (bind(listener_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
            listen(listener_, 1024) != 0) {
            std::perror("bind/listen");
            std::exit(1);
        }
        socklen_t length = sizeof address;
        getsockname(listener_, reinterpret_cast<sockaddr*>(&address), &length);
        epoll_ = epoll_create1(0);
        watch(listener_, EPOLLIN);
        return ntohs(address.sin_port);
    }

    void serve() {
        std::vector<epoll_event> events(256);
        for (;;) {
            int timeout = -1;
            if (!pending_.empty()) {
                const auto wait =
                    std::chrono::duration_cast<std::chrono::milliseconds>(pending_.top().due - Clock::now());
                timeout = wait.count() < 0 ? 0 : int(wait.count()) + 1;
            }
            const int n = epoll_wait(epoll_, events.data(), int(events.size()), timeout);
            for (int i = 0; i < n; ++i) {
                const int fd = events[i].data.fd;
                if (fd == listener_)
                    accept_all();
                else if (events[i].events & (EPOLLIN | EPOLLHUP | EPOLLERR))
                    read_from(fd);
                else if (events[i].events & EPOLLOUT)
                    flush(fd);
            }
            release_due_answers();
        }
    }

private:
    void watch(int fd, uint32_t events, int op = EPOLL_CTL_ADD) {
        epoll_event event{};
        event.events = events;
        event.data.fd = fd;
        epoll_ctl(epoll_, op, fd, &event);
    }

    void accept_all() {
        for (;;) {
            const int fd = accept4(listener_, nullptr, nullptr, SOCK_NONBLOCK);
            if (fd < 0) return;
            int one = 1;
            setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
            Connection& connection = connections_[fd];
            connection = Connection{};
            connection.generation = ++generations_;
            watch(fd, EPOLLIN);
        }
    }

    void close_connection(int fd) {
        epoll_ctl(epoll_, EPOLL_CTL_DEL, fd, nullptr);
        close(fd);
        connections_.erase(fd);
    }

    void read_from(int fd) {
        auto found = connections_.find(fd);
        if (found == connections_.end()) return;
        Connection& connection = found->second;
        char buffer[16384];
        for (;;) {
            const ssize_t got = read(fd, buffer, sizeof buffer);
            if (got > 0) {
                connection.in.append(buffer, size_t(got));
                continue;
            }
            if (got == 0 || (errno != EAGAIN && errno != EWOULDBLOCK)) {
                close_connection(fd);
                return;
            }
            break;
        }
        Request request;
        bool malformed = false;
        while (take_request(connection.in, request, malformed)) answer(fd, connection, request);
        if (malformed) close_connection(fd);
    }

    void answer(int fd, Connection& connection, const Request& request) {
        if (request.path.rfind("/_control/", 0) == 0) {
            send_now(fd, connection, control(request));
            return;
        }
        // The query (appsecret_proof) is not part of the path.
        const std::string path = request.path.substr(0, request.path.find('?'));
        const bool messages_path = request.method == "POST" && path.size() > messages_path_suffix_.size() &&
                                   path.rfind("/v", 0) == 0 &&
                                   path.compare(path.size() - messages_path_suffix_.size(),
                                                messages_path_suffix_.size(), messages_path_suffix_) == 0;
        std::string response;
        if (!messages_path) {
            response = http_response(404, meta_error(100, "Unknown path components"));
        } else if (request.authorization != token_) {
            response = http_response(401, meta_error(190, "Invalid OAuth access token."));
        } else {
            const auto now = std::chrono::system_clock::now().time_since_epoch();
            arrivals_.push_back(std::chrono::duration_cast<std::chrono::microseconds>(now).count());
            const std::string to = recipient(request.body);
            std::string wa_id;
            for (char c : to)
                if (c >= '0' && c <= '9') wa_id += c;
            response = http_response(200, R"({"messaging_product":"whatsapp","contacts":[{"input":")" + to +
                                              R"(","wa_id":")" + wa_id + R"("}],"messages":[{"id":"wamid.BENCH)" +
                                              std::to_string(++accepted_) + R"(","message_status":"accepted"}]})");
        }
        if (delay_.count() == 0) {
            send_now(fd, connection, response);
        } else {
            pending_.push(PendingAnswer{Clock::now() + delay_, fd, connection.generation, std::move(response)});
        }
    }

    std::string control(const Request& request) {
        if (request.path == "/_control/health") return http_response(200, R"({"ok":true})");
        if (request.path == "/_control/reset") {
            arrivals_.clear();
            return http_response(200, R"({"ok":true})");
        }
        if (request.path == "/_control/delay") {
            delay_ = std::chrono::milliseconds(std::strtol(request.body.c_str(), nullptr, 10));
            return http_response(200, R"({"ok":true})");
        }
        if (request.path == "/_control/arrivals") {
            std::string body;
            body.reserve(arrivals_.size() * 17);
            for (long long at : arrivals_) body += std::to_string(at) + "\n";
            return http_response(200, body, "text/plain");
        }
        return http_response(404, R"({"error":"unknown control path"})");
    }

    void release_due_answers() {
        const auto now = Clock::now();
        while (!pending_.empty() && pending_.top().due <= now) {
            const PendingAnswer& next = pending_.top();
            auto found = connections_.find(next.fd);
            if (found != connections_.end() && found->second.generation == next.generation)
                send_now(next.fd, found->second, next.response);
            pending_.pop();
        }
    }

    void send_now(int fd, Connection& connection, const std::string& response) {
        const bool idle = connection.out.empty();
        connection.out += response;
        if (idle) flush(fd);
    }

    void flush(int fd) {
        auto found = connections_.find(fd);
        if (found == connections_.end()) return;
        Connection& connection = found->second;
        while (!connection.out.empty()) {
            const ssize_t wrote = write(fd, connection.out.data(), connection.out.size());
            if (wrote > 0) {
                connection.out.erase(0, size_t(wrote));
            } else if (errno == EAGAIN || errno == EWOULDBLOCK) {
                watch(fd, EPOLLIN | EPOLLOUT, EPOLL_CTL_MOD);
                return;
            } else {
                close_connection(fd);
                return;
            }
        }
        watch(fd, EPOLLIN, EPOLL_CTL_MOD);
    }

    const std::string token_;
    const std::string messages_path_suffix_;
    std::chrono::milliseconds delay_;
    int listener_ = -1;
    int epoll_ = -1;
    uint64_t generations_ = 0;
    uint64_t accepted_ = 0;
    std::unordered_map<int, Connection> connections_;
    std::priority_queue<PendingAnswer, std::vector<PendingAnswer>, std::greater<PendingAnswer>> pending_;
    std::vector<long long> arrivals_;
};

std::string read_token(const std::string& path) {
    std::ifstream file(path);
    std::string token;
    std::getline(file, token);
    return token;
}

}  // namespace

int main(int argc, char** argv) {
    std::string port_file, token_file, phone_number_id;
    int delay_ms = 0;
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string option = argv[i];
        if (option == "--port-file")
            port_file = argv[i + 1];
        else if (option == "--token-file")
            token_file = argv[i + 1];
        else if (option == "--phone-number-id")
            phone_number_id = argv[i + 1];
        else if (option == "--delay-ms")
            delay_ms = std::atoi(argv[i + 1]);
        else {
            std::cerr << "unknown option " << option << "\n";
            return 2;
        }
    }
    if (port_file.empty() || token_file.empty() || phone_number_id.empty()) {
        std::cerr << "usage: fast_standin --port-file F --token-file F --phone-number-id ID [--delay-ms N]\n";
        return 2;
    }
    signal(SIGPIPE, SIG_IGN);
    Server server(read_token(token_file), phone_number_id, delay_ms);
    const int port = server.listen_on_loopback();
    { std::ofstream(port_file + ".tmp") << port << "\n"; }
    std::rename((port_file + ".tmp").c_str(), port_file.c_str());
    server.serve();
}
