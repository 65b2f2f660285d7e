//===- Lines.h - The numbered lines of a text -------------------*- C++ -*-===//

#ifndef R1RT_SRC_DATA_LINES_H
#define R1RT_SRC_DATA_LINES_H

#include <cstddef>
#include <string_view>

namespace r1rt::data {

/// Calls f(line, lineNo) for each '\n'-separated line of `text`, numbered
/// from 1, without its '\n'; a final newline adds no empty line.
template <class F> void forEachLine(std::string_view text, F &&f) {
  size_t lineNo = 0;
  for (size_t start = 0; start < text.size();) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos)
      end = text.size();
    std::string_view line = text.substr(start, end - start);
    start = end + 1;
    f(line, ++lineNo);
  }
}

} // namespace r1rt::data

#endif // R1RT_SRC_DATA_LINES_H
