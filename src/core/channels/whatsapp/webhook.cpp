#include "core/channels/whatsapp/webhook.hpp"

#include <algorithm>
#include <climits>
#include <initializer_list>
#include <nlohmann/json.hpp>

#include "core/error.hpp"
#include "core/codec/string_defects.hpp"

namespace cart_abandon {

namespace {

using nlohmann::json;

constexpr std::size_t kMaxQuotedBytes = 40;  // of the body, in an error message

// `object[key]` when `object` is an object that has it, else nullptr.
const json* member(const json& object, const char* key) {
    if (!object.is_object()) return nullptr;
    const auto it = object.find(key);
    return it == object.end() ? nullptr : &*it;
}

std::string string_at(const json& object, const char* key) {
    const json* value = member(object, key);
    return value != nullptr && value->is_string() ? value->get<std::string>() : std::string();
}

bool is_control(char c) { return uint8_t(c) < 0x20 || c == 0x7F; }

bool has_control(const std::string& text) { return std::any_of(text.begin(), text.end(), is_control); }

// Text for a ledger or an error message: no NUL (PostgreSQL text cannot hold one), no line breaks.
std::string printable(std::string text) {
    std::replace_if(text.begin(), text.end(), is_control, ' ');
    return text;
}

// Meta's ids (wamid, wa_id, phone number id) are short printable text without a secret; anything else, "".
std::string id_at(const json& object, const char* key, const Secrets& secrets) {
    std::string id = string_at(object, key);
    return id.size() > kMaxWebhookIdBytes || has_control(id) || holds_secret(id, secrets) ? std::string() : id;
}

// Unix seconds: Meta sends a string of digits; a non-negative integer is taken too. 0 otherwise.
int64_t timestamp_at(const json& object, const char* key) {
    const json* value = member(object, key);
    if (value == nullptr) return 0;
    if (value->is_number_unsigned()) return value->get<uint64_t>() <= uint64_t(INT64_MAX) ? value->get<int64_t>() : 0;
    if (value->is_number_integer()) return std::max<int64_t>(value->get<int64_t>(), 0);
    if (!value->is_string()) return 0;
    const auto& digits = value->get_ref<const std::string&>();
    if (digits.empty() || digits.size() > 18) return 0;  // 18 digits cannot overflow int64
    int64_t seconds = 0;
    for (char c : digits) {
        if (c < '0' || c > '9') return 0;
        seconds = seconds * 10 + (c - '0');
    }
    return seconds;
}

// errors[0] of a failed status: its code, and "title: details" (the message when there is no
// title; details only when they add something), redacted, cut to 300 bytes, controls made spaces.
void read_error(const json& status, StatusUpdate& update, const Secrets& secrets) {
    const json* errors = member(status, "errors");
    if (errors == nullptr || !errors->is_array() || errors->empty() || !errors->front().is_object()) return;
    const json& error = errors->front();
    const json* code = member(error, "code");
    if (code != nullptr && code->is_number_integer() && !code->is_number_unsigned()) {
        update.error_code = long(code->get<int64_t>());
        update.has_error_code = true;
    } else if (code != nullptr && code->is_number_unsigned() && code->get<uint64_t>() <= uint64_t(LONG_MAX)) {
        update.error_code = long(code->get<uint64_t>());
        update.has_error_code = true;
    }

    std::string text = string_at(error, "title");
    if (text.empty()) text = string_at(error, "message");
    const json* data = member(error, "error_data");
    const std::string details = data != nullptr ? string_at(*data, "details") : std::string();
    if (!details.empty() && details != text) text = text.empty() ? details : text + ": " + details;
    update.error_text = printable(recordable(std::move(text), secrets, kMaxWebhookErrorText));
}

// The text an inbound message shows, when it is one that can ask to stop: a text body, a
// template quick-reply button (text and payload), or an interactive button reply (title and id).
std::vector<std::string> reply_texts(const json& message, std::string& how) {
    const std::string type = string_at(message, "type");
    const json* part = member(message, type.c_str());
    if (part == nullptr || !part->is_object()) return {};
    if (type == "text") {
        how = "text";
        return {string_at(*part, "body")};
    }
    if (type == "button") {
        how = "button";
        return {string_at(*part, "text"), string_at(*part, "payload")};
    }
    if (type == "interactive" && string_at(*part, "type") == "button_reply") {
        const json* reply = member(*part, "button_reply");
        if (reply == nullptr) return {};
        how = "button";
        return {string_at(*reply, "title"), string_at(*reply, "id")};
    }
    return {};
}

// The first defect in any string of `value`, keys included; without recursion (bodies nest deep).
StringDefect first_defect(const json& value) {
    std::vector<const json*> pending{&value};
    while (!pending.empty()) {
        const json* next = pending.back();
        pending.pop_back();
        if (next->is_string()) {
            const StringDefect defect = defect_in(next->get_ref<const std::string&>());
            if (defect != StringDefect::None) return defect;
        } else if (next->is_object()) {
            for (auto it = next->begin(); it != next->end(); ++it) {
                const StringDefect defect = defect_in(it.key());
                if (defect != StringDefect::None) return defect;
                pending.push_back(&it.value());
            }
        } else if (next->is_array()) {
            for (const json& element : *next) pending.push_back(&element);
        }
    }
    return StringDefect::None;
}

std::string indexed(const std::string& path, const char* key, std::size_t index) {
    return path + "." + key + "[" + std::to_string(index) + "]";
}

// Walks entry[] → changes[] → value, counting every item read so that a batch over the limit
// stops at the first item too many. What has Meta's JSON types is read (and ignored when it is
// not for the sender, or lacks a field); what has not, or holds a string defect, is unreadable.
class Reader {
public:
    Reader(WebhookBatch& batch, const Secrets& secrets) : batch_(batch), secrets_(secrets) {}

    void read_entry(const json& entry, std::size_t index) {
        const std::string path = "entry[" + std::to_string(index) + "]";
        if (!entry.is_object()) return unreadable(path, "not a JSON object");
        const json* changes = member(entry, "changes");
        if (changes != nullptr && !changes->is_array()) return unreadable(path, "\"changes\" is not an array");
        if (changes == nullptr || changes->empty()) return ignore();
        entry_time_ = timestamp_at(entry, "time");  // account-level changes carry no time of their own
        for (std::size_t i = 0; i < changes->size(); ++i) read_change((*changes)[i], indexed(path, "changes", i));
    }

private:
    void counted() {
        if (batch_.updates() > kMaxWebhookUpdates)
            throw Error(ErrorKind::InvalidArgument,
                        "webhook body holds more than " + std::to_string(kMaxWebhookUpdates) + " updates",
                        "Meta batches at most " + std::to_string(kMaxWebhookUpdates) + " updates in one POST.");
    }

    void ignore() {
        ++batch_.ignored;
        counted();
    }

    void unreadable(const std::string& path, const std::string& reason) {
        batch_.unreadable.push_back({path, reason});
        counted();
    }

    template <typename Update>
    void keep(std::vector<Update>& updates, Update update) {
        updates.push_back(std::move(update));
        counted();
    }

    // Whether `item` can be read: an object, no string defect, and each of `strings` a string
    // where present. If not, it is reported unreadable.
    bool readable(const json& item, const std::string& path, std::initializer_list<const char*> strings) {
        if (!item.is_object()) {
            unreadable(path, "not a JSON object");
            return false;
        }
        const StringDefect defect = first_defect(item);
        if (defect != StringDefect::None) {
            unreadable(path, defect_reason(defect));
            return false;
        }
        for (const char* key : strings) {
            const json* value = member(item, key);
            if (value != nullptr && !value->is_string()) {
                unreadable(path, std::string("\"") + key + "\" is not a string");
                return false;
            }
        }
        return true;
    }

    void read_change(const json& change, const std::string& path) {
        if (!readable_change(change, path)) return;
        const std::string field = string_at(change, "field");
        const json* value = member(change, "value");
        if (value == nullptr) return ignore();
        const std::size_t before = batch_.updates();
        const std::string at = path + ".value";
        // The business number the change is about (statuses, replies and preferences alike).
        const json* metadata = member(*value, "metadata");
        const std::string phone_number_id = metadata ? id_at(*metadata, "phone_number_id", secrets_) : std::string();
        if (field == "messages") {
            for_each_item(*value, "statuses", at, [&](const json& item, const std::string& item_path) {
                read_status(item, item_path, phone_number_id);
            });
            for_each_item(*value, "messages", at, [&](const json& item, const std::string& item_path) {
                read_message(item, item_path, phone_number_id);
            });
        } else if (field == "user_preferences") {
            for_each_item(*value, "user_preferences", at, [&](const json& item, const std::string& item_path) {
                read_preference(item, item_path, phone_number_id);
            });
        } else if (field == "message_template_status_update" || field == "message_template_quality_update") {
            const bool quality = field == "message_template_quality_update";
            if (first_defect(*value) != StringDefect::None) return unreadable(at, defect_reason(first_defect(*value)));
            if (auto update = read_template_update(*value, quality, entry_time_, secrets_))
                keep(batch_.templates, std::move(*update));
        } else if (field == "account_update") {
            if (first_defect(*value) != StringDefect::None) return unreadable(at, defect_reason(first_defect(*value)));
            if (auto update = read_account_update(*value, entry_time_, secrets_))
                keep(batch_.accounts, std::move(*update));
        }
        if (batch_.updates() == before) ignore();  // another field, or nothing in it
    }

    // A change is an object whose "field" is a readable string and whose "value" is an object
    // with readable keys (a damaged "statuses" key would drop its items unseen).
    bool readable_change(const json& change, const std::string& path) {
        const json* field = member(change, "field");
        const json* value = member(change, "value");
        std::string problem;
        if (!change.is_object()) {
            problem = "not a JSON object";
        } else if (field != nullptr && !field->is_string()) {
            problem = "\"field\" is not a string";
        } else if (value != nullptr && !value->is_object()) {
            problem = "\"value\" is not a JSON object";
        } else {
            StringDefect defect =
                field != nullptr ? defect_in(field->get_ref<const std::string&>()) : StringDefect::None;
            if (value != nullptr)
                for (auto it = value->begin(); it != value->end() && defect == StringDefect::None; ++it)
                    defect = defect_in(it.key());
            problem = defect_reason(defect);  // "" when there is none
        }
        if (problem.empty()) return true;
        unreadable(path, problem);
        return false;
    }

    template <typename Read>
    void for_each_item(const json& value, const char* key, const std::string& path, Read read) {
        const json* items = member(value, key);
        if (items == nullptr) return;
        if (!items->is_array()) return unreadable(path + "." + key, "not an array");
        for (std::size_t i = 0; i < items->size(); ++i) read((*items)[i], indexed(path, key, i));
    }

    void read_status(const json& item, const std::string& path, const std::string& phone_number_id) {
        if (!readable(item, path, {"id", "status", "recipient_user_id"})) return;
        StatusUpdate update;
        update.wamid = id_at(item, "id", secrets_);
        const auto status = parse_word<ProviderStatus>(string_at(item, "status"));
        if (update.wamid.empty() || !status) return ignore();
        update.status = *status;
        update.timestamp = timestamp_at(item, "timestamp");
        update.recipient_id = id_at(item, "recipient_id", secrets_);
        update.recipient_user_id = id_at(item, "recipient_user_id", secrets_);
        update.callback_data = string_at(item, "biz_opaque_callback_data");
        // Longer than the sender could have sent: not ours.
        if (update.callback_data.size() > kMaxCallbackDataBytes) update.callback_data.clear();
        if (update.status == ProviderStatus::Failed) read_error(item, update, secrets_);
        update.phone_number_id = phone_number_id;
        keep(batch_.statuses, std::move(update));
    }

    void read_preference(const json& item, const std::string& path, const std::string& phone_number_id) {
        if (!readable(item, path, {"wa_id", "user_id", "category", "value"})) return;
        PreferenceUpdate update;
        update.wa_id = id_at(item, "wa_id", secrets_);
        update.user_id = id_at(item, "user_id", secrets_);
        update.category = string_at(item, "category");
        update.value = string_at(item, "value");
        if ((update.wa_id.empty() && update.user_id.empty()) || update.category != "marketing_messages" ||
            (update.value != "stop" && update.value != "resume"))
            return ignore();
        update.timestamp = timestamp_at(item, "timestamp");
        update.phone_number_id = phone_number_id;
        keep(batch_.preferences, std::move(update));
    }

    void read_message(const json& item, const std::string& path, const std::string& phone_number_id) {
        if (!readable(item, path, {"from", "from_user_id", "id", "type"})) return;
        InboundOptOut opt_out;
        opt_out.wa_id = id_at(item, "from", secrets_);
        opt_out.user_id = id_at(item, "from_user_id", secrets_);
        opt_out.wamid = id_at(item, "id", secrets_);
        if ((opt_out.wa_id.empty() && opt_out.user_id.empty()) || opt_out.wamid.empty()) return ignore();
        bool stop = false;
        for (const std::string& text : reply_texts(item, opt_out.how)) stop = stop || is_opt_out_text(text);
        if (!stop) return ignore();
        opt_out.timestamp = timestamp_at(item, "timestamp");
        opt_out.phone_number_id = phone_number_id;
        const json* context = member(item, "context");
        if (context != nullptr) opt_out.replied_to = id_at(*context, "id", secrets_);
        keep(batch_.opt_outs, std::move(opt_out));
    }

    WebhookBatch& batch_;
    const Secrets& secrets_;
    int64_t entry_time_ = 0;
};

[[noreturn]] void refuse(const std::string& what) { throw Error(ErrorKind::InvalidText, "webhook body " + what); }

}  // namespace

std::size_t WebhookBatch::updates() const {
    return statuses.size() + preferences.size() + opt_outs.size() + templates.size() + accounts.size() +
           std::size_t(ignored) + unreadable.size();
}

WebhookBatch parse_webhook(const std::string& payload, const Secrets& secrets) {
    // A string that no reader can keep (a lone surrogate makes nlohmann refuse everything)
    // becomes a marker first: its item is then unreadable, and the rest is read.
    const MarkedText marked = mark_string_defects(payload);
    json body;
    try {
        body = json::parse(marked.text);
    } catch (const json::parse_error& e) {
        // Not e.what(): nlohmann quotes the bytes last read, which may be anything.
        refuse("is not JSON (error at byte " + std::to_string(marked.original_position(e.byte)) + ")");
    } catch (const json::exception& e) {
        // out_of_range 406: a number beyond a double's range ("1e400"); e.what() would quote it too.
        refuse("is JSON that cannot be read (JSON error " + std::to_string(e.id) + ")");
    }
    if (!body.is_object()) refuse("is not a JSON object");
    const json* object = member(body, "object");
    if (object == nullptr) refuse("has no \"object\"");
    if (!object->is_string()) refuse("has an \"object\" that is not a string");
    if (object->get_ref<const std::string&>() != "whatsapp_business_account")
        refuse("is about \"" + printable(recordable(object->get<std::string>(), secrets, kMaxQuotedBytes)) +
               "\", not \"whatsapp_business_account\"");
    const json* entries = member(body, "entry");
    if (entries == nullptr || !entries->is_array()) refuse("has no \"entry\" array");

    WebhookBatch batch;
    Reader reader(batch, secrets);
    for (std::size_t i = 0; i < entries->size(); ++i) reader.read_entry((*entries)[i], i);
    return batch;
}

}  // namespace cart_abandon
