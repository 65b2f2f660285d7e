//===- r1run.cpp - Executes an r1c plan bundle -----------------------------===//

#include "r1rt/Error.h"

#include <CLI/CLI.hpp>
#include <torch/version.h>

#include <cstdio>

int main(int argc, char **argv) {
  CLI::App app{"r1run: executes a plan bundle produced by `r1c compile`"};
  std::string bundle;
  app.add_option("bundle", bundle, "Plan bundle directory (X.r1plan)")
      ->required();
  app.set_version_flag("--version",
                       std::string("r1run (LibTorch ") + TORCH_VERSION + ")");
  CLI11_PARSE(app, argc, argv);
  // The plan executor lands with issue 5; until then refuse honestly.
  std::fprintf(stderr,
               "r1run: error: plan execution is not implemented yet in this "
               "build (bundle '%s')\n",
               bundle.c_str());
  return 1;
}
