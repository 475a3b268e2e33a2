// The cart_abandon.* settings (GUCs).
#pragma once

#include <chrono>
#include <string>

#include "core/config.hpp"
#include "core/delivery_engine.hpp"

namespace pg {

// Registers every setting; called once from _PG_init.
void define_settings();

// The settings in force now, as the core sees them.
cart_abandon::Settings current_settings();

// How the delivery engine sends (max_concurrency, retry backoff, longest in-run retry wait).
cart_abandon::EngineOptions engine_options();
double max_per_second();
int attempts_per_run();

std::string medusa_schema();
int max_attempts();
std::chrono::milliseconds batch_pause();
std::chrono::seconds claim_timeout();
std::chrono::seconds full_scan_interval();

}  // namespace pg
