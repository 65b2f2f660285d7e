//===- DidYouMean.h - Spelling suggestions for unknown names ----*- C++ -*-===//
//
// Internal to the front end: the parser (keywords) and Sema (names,
// arguments, fields, choices) suggest the closest known spelling.
//
//===----------------------------------------------------------------------===//

#ifndef R1_FRONTEND_DIDYOUMEAN_H
#define R1_FRONTEND_DIDYOUMEAN_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"

#include <string>

namespace r1 {

/// "; did you mean 'x'?" for the closest candidate, or "" when none is close.
std::string didYouMean(llvm::StringRef name,
                       llvm::ArrayRef<llvm::StringRef> candidates);

} // namespace r1

#endif // R1_FRONTEND_DIDYOUMEAN_H
