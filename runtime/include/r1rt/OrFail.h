//===- OrFail.h - r1formats results as runtime errors -----------*- C++ -*-===//
//
// r1formats (torch-free, exception-free) returns r1fmt::Expected; the runtime
// turns a failure into an r1rt::Error carrying the same one-line message.
//
//===----------------------------------------------------------------------===//

#ifndef R1RT_ORFAIL_H
#define R1RT_ORFAIL_H

#include "r1rt/Error.h"

#include "r1fmt/Expected.h"

#include <utility>

namespace r1rt {

/// The value of an r1formats result, or an Error with its message.
template <class T> T orFail(r1fmt::Expected<T> e) {
  if (!e)
    throw Error(e.error());
  return std::move(*e);
}

} // namespace r1rt

#endif // R1RT_ORFAIL_H
