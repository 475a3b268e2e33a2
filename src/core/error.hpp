// Errors the core reports to its caller. The PostgreSQL layer maps each kind to a SQLSTATE;
// the core itself knows nothing of PostgreSQL.
#pragma once

#include "core/no_postgres.hpp"

#include <stdexcept>
#include <string>

namespace cart_abandon {

enum class ErrorKind {
    InvalidArgument,  // a bad function argument or option (22023)
    InvalidText,  // a value that does not parse, e.g. a cursor (22P02)
    MissingConfiguration,  // a setting needed for this call is unset or inconsistent (55000)
    MissingTable,  // Medusa's tables are not where the settings say (42P01)
    NotSupported,  // a feature this version does not have (0A000)
    TransactionState,  // called where it cannot commit (2D000)
    InvalidAuthorization,  // a signature or credential that does not match (28000)
    InsufficientPrivilege,  // a role or an object's owner cannot be used as it must be (42501)
    Internal,  // a bug or a library failure (XX000)
};

class Error : public std::runtime_error {
public:
    Error(ErrorKind kind, std::string message, std::string detail = {}, std::string hint = {})
        : std::runtime_error(std::move(message)), kind_(kind), detail_(std::move(detail)), hint_(std::move(hint)) {}

    ErrorKind kind() const noexcept { return kind_; }
    const std::string& detail() const noexcept { return detail_; }
    const std::string& hint() const noexcept { return hint_; }

private:
    ErrorKind kind_;
    std::string detail_;
    std::string hint_;
};

}  // namespace cart_abandon
