//===- DidYouMean.cpp - Spelling suggestions for unknown names -----------===//

#include "DidYouMean.h"

#include "llvm/ADT/Twine.h"

#include <algorithm>

std::string r1::didYouMean(llvm::StringRef name,
                           llvm::ArrayRef<llvm::StringRef> candidates) {
  llvm::StringRef best;
  unsigned bestDist = ~0u;
  unsigned limit = std::max<unsigned>(1, (name.size() + 2) / 3);
  for (llvm::StringRef c : candidates) {
    if (c.empty() || c == name)
      continue;
    unsigned d = name.edit_distance(c, true, limit + 1);
    if (d <= limit && d < bestDist) {
      bestDist = d;
      best = c;
    }
  }
  if (best.empty())
    return "";
  return ("; did you mean '" + best + "'?").str();
}
