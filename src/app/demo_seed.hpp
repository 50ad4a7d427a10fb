// The demo organisation that scripts/run.sh creates on first start.
#pragma once

#include "app/application.hpp"

namespace upravdom::app {

struct DemoLogin {
  std::string login;
  std::string password;
  bool created = false;  // false when the demo organisation was already there
};

// Creates the demo organisation, its admin and its reference data unless they exist.
DemoLogin SeedDemo(Application& app);

}  // namespace upravdom::app
