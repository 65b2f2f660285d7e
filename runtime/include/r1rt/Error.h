//===- Error.h - User-facing runtime errors ---------------------*- C++ -*-===//
//
// The runtime reports user errors as one line: what, where, how to fix.
// Exceptions are used only at the boundary LibTorch imposes (STYLE.md); an
// r1rt::Error carries that one line up to the tool's main().
//
//===----------------------------------------------------------------------===//

#ifndef R1RT_ERROR_H
#define R1RT_ERROR_H

#include <fmt/format.h>

#include <stdexcept>
#include <string>

namespace r1rt {

/// An error meant for the user: its message is a single line.
class Error : public std::runtime_error {
public:
  explicit Error(const std::string &message) : std::runtime_error(message) {}
};

/// Throws an Error with a fmt-formatted message.
template <typename... Args>
[[noreturn]] void fail(fmt::format_string<Args...> format, Args &&...args) {
  throw Error(fmt::format(format, std::forward<Args>(args)...));
}

} // namespace r1rt

#endif // R1RT_ERROR_H
