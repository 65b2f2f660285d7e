//===- TaskSupport.h - Shared helpers of the task generators ----*- C++ -*-===//

#ifndef R1RT_SRC_DATA_TASKSUPPORT_H
#define R1RT_SRC_DATA_TASKSUPPORT_H

#include "r1rt/Error.h"
#include "r1rt/data/Tasks.h"

#include <string_view>

namespace r1rt::data {

/// Throws unless lo <= hi and both lie in [min, max].
inline void checkRange(std::string_view task, std::string_view arg,
                       IntRange range, int min, int max) {
  if (range.lo > range.hi || range.lo < min || range.hi > max)
    fail("{}: {} = {}..{} is invalid; use lo..hi with {} <= lo <= hi <= {}",
         task, arg, range.lo, range.hi, min, max);
}

/// The give-up bound of rejection loops: a generator that cannot find a
/// problem for its split within this many candidates per record reports that
/// the problem space is too small.
inline constexpr size_t kAttemptsPerRecord = 2000;

/// Throws the "problem space too small" error for `task`.
[[noreturn]] inline void failTooSmall(std::string_view task, size_t made,
                                      size_t wanted) {
  fail("{}: found only {} of {} problems for the requested split; widen the "
       "ranges or lower count",
       task, made, wanted);
}

} // namespace r1rt::data

#endif // R1RT_SRC_DATA_TASKSUPPORT_H
