//===- Expected.h - A value or a one-line error -----------------*- C++ -*-===//
//
// r1formats never throws across its API (the compiler is built without
// exceptions): each reader returns Expected<T>, a T or a one-line message
// that already names the file and what is wrong with it.
//
//===----------------------------------------------------------------------===//

#ifndef R1FMT_EXPECTED_H
#define R1FMT_EXPECTED_H

#include <cassert>
#include <optional>
#include <string>
#include <utility>

namespace r1fmt {

/// The failure side of Expected: a one-line, self-contained message.
struct Error {
  std::string message;
};

template <class T> class Expected {
public:
  Expected(T v) : value_(std::move(v)) {}
  Expected(Error e) : error_(std::move(e.message)) {}

  explicit operator bool() const { return value_.has_value(); }
  const T &operator*() const & { assert(value_); return *value_; }
  T &operator*() & { assert(value_); return *value_; }
  T &&operator*() && { assert(value_); return std::move(*value_); }
  const T *operator->() const { assert(value_); return &*value_; }
  T *operator->() { assert(value_); return &*value_; }
  /// The message; empty when this holds a value.
  const std::string &error() const { return error_; }

private:
  std::optional<T> value_;
  std::string error_;
};

} // namespace r1fmt

#endif // R1FMT_EXPECTED_H
