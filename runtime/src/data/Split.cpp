//===- Split.cpp - Hash routing of problems to train/test splits ----------===//

#include "Random.h"
#include "r1rt/Error.h"
#include "r1rt/data/Tasks.h"

namespace r1rt::data {

Split parseSplit(std::string_view text) {
  if (text == "train")
    return Split::Train;
  if (text == "test")
    return Split::Test;
  fail("unknown split '{}'; use split = train or split = test", text);
}

bool routesTo(std::string_view canonical, Split split) {
  bool test = stableHash(canonical) % 10 == 0;
  return test == (split == Split::Test);
}

} // namespace r1rt::data
