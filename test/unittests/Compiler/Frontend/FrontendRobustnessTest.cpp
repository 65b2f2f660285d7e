//===- FrontendRobustnessTest.cpp - Mutation fuzzing of the front end -----===//
//
// Feeds > 20,000 deterministic mutations of every file in pipelines/
// (truncations, byte flips, token swaps/deletions/duplications, line splices,
// deep nesting, megabyte lines, NUL bytes, invalid UTF-8) through
// r1::parsePipeline in process. Each must end in success with no error, or
// in failure with at least one error, and every error and note must carry a
// FileLineColLoc inside the input (or the prelude). A crash, assert or stack
// overflow fails the test binary.
//
//===----------------------------------------------------------------------===//

#include "r1/Frontend/Frontend.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Diagnostics.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"

#include "gtest/gtest.h"

#include <chrono>
#include <random>
#include <string>
#include <vector>

namespace {

/// The outcome of checking one input.
struct Outcome {
  bool succeeded = false;
  unsigned errors = 0;
  /// Diagnostics (errors, notes) without a usable location.
  std::vector<std::string> unlocated;
};

/// Checks `text` in process, capturing every diagnostic.
class Checker {
public:
  Checker() : context(mlir::MLIRContext::Threading::DISABLED) {}

  /// Checks `text` as if read from `name` (relative paths in the pipeline
  /// resolve against name's directory).
  Outcome check(const std::string &text,
                const std::string &name = "fuzz.r1p") {
    Outcome out;
    llvm::SourceMgr sourceMgr;
    sourceMgr.AddNewSourceBuffer(
        llvm::MemoryBuffer::getMemBufferCopy(text, name), llvm::SMLoc());
    auto verifyLoc = [&](mlir::Location loc, llvm::StringRef what) {
      auto flc = llvm::dyn_cast<mlir::FileLineColLoc>(loc);
      if (!flc || flc.getLine() == 0 || flc.getColumn() == 0 ||
          (flc.getFilename() != name && flc.getFilename() != "<prelude>"))
        out.unlocated.push_back(what.str());
    };
    mlir::ScopedDiagnosticHandler handler(&context, [&](mlir::Diagnostic &d) {
      if (d.getSeverity() == mlir::DiagnosticSeverity::Error) {
        ++out.errors;
        verifyLoc(d.getLocation(), d.str());
      }
      for (mlir::Diagnostic &note : d.getNotes())
        verifyLoc(note.getLocation(), "note: " + note.str());
      return mlir::success();
    });
    r1::FrontendOptions options;
    options.checkFiles = false;
    out.succeeded = succeeded(r1::parsePipeline(sourceMgr, &context, options));
    return out;
  }

private:
  mlir::MLIRContext context;
};

/// Every pipeline file shipped in pipelines/ (`paths`: where each was read).
std::vector<std::string> loadPipelines(std::vector<std::string> *paths =
                                           nullptr) {
  std::vector<std::string> texts;
  std::error_code ec;
  std::string dir = std::string(R1C_SOURCE_DIR) + "/pipelines";
  for (llvm::sys::fs::directory_iterator it(dir, ec), end; it != end && !ec;
       it.increment(ec)) {
    if (llvm::sys::path::extension(it->path()) != ".r1p")
      continue;
    auto buffer = llvm::MemoryBuffer::getFile(it->path());
    if (!buffer)
      continue;
    texts.push_back((*buffer)->getBuffer().str());
    if (paths)
      paths->push_back(it->path());
  }
  return texts;
}

/// Splits into whitespace-separated tokens (approximate is fine).
std::vector<std::pair<size_t, size_t>> tokenSpans(const std::string &s) {
  std::vector<std::pair<size_t, size_t>> spans;
  size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && isspace((unsigned char)s[i]))
      ++i;
    size_t start = i;
    while (i < s.size() && !isspace((unsigned char)s[i]))
      ++i;
    if (i > start)
      spans.push_back({start, i - start});
  }
  return spans;
}

/// Deterministic mutator.
class Mutator {
public:
  explicit Mutator(const std::vector<std::string> &corpus)
      : corpus(corpus), rng(20240517) {}

  size_t pick(size_t n) {
    return n ? std::uniform_int_distribution<size_t>(0, n - 1)(rng) : 0;
  }

  std::string truncate(const std::string &s) {
    return s.substr(0, pick(s.size() + 1));
  }

  std::string flipBytes(std::string s) {
    for (size_t n = 1 + pick(4); n && !s.empty(); --n)
      s[pick(s.size())] = char(pick(256));
    return s;
  }

  std::string tokenEdit(const std::string &s) {
    auto spans = tokenSpans(s);
    if (spans.size() < 2)
      return s;
    auto a = spans[pick(spans.size())], b = spans[pick(spans.size())];
    std::string ta = s.substr(a.first, a.second),
                tb = s.substr(b.first, b.second);
    switch (pick(3)) {
    case 0: { // swap two tokens
      if (a.first > b.first)
        std::swap(a, b), std::swap(ta, tb);
      if (a.first + a.second > b.first)
        return s;
      return s.substr(0, a.first) + tb +
             s.substr(a.first + a.second, b.first - a.first - a.second) + ta +
             s.substr(b.first + b.second);
    }
    case 1: // delete a token
      return s.substr(0, a.first) + s.substr(a.first + a.second);
    default: // duplicate a token elsewhere
      return s.substr(0, b.first) + ta + " " + s.substr(b.first);
    }
  }

  std::string spliceLine(const std::string &s) {
    const std::string &other = corpus[pick(corpus.size())];
    std::vector<std::string> lines;
    size_t start = 0;
    for (size_t i = 0; i <= other.size(); ++i)
      if (i == other.size() || other[i] == '\n') {
        lines.push_back(other.substr(start, i - start));
        start = i + 1;
      }
    size_t at = s.find('\n', pick(s.size()));
    if (at == std::string::npos)
      at = s.size();
    return s.substr(0, at) + "\n" + lines[pick(lines.size())] + s.substr(at);
  }

  std::string insertAt(const std::string &s, const std::string &what) {
    size_t at = pick(s.size() + 1);
    return s.substr(0, at) + what + s.substr(at);
  }

  std::string deepNesting(const std::string &s) {
    size_t depth = 150 + pick(5000);
    static const char *const opens[] = {"(",    "[",    "{",    "-",
                                        "not ", "exp(", "mix(", "a + "};
    static const char *const closes[] = {")", "]", "}", "", "", ")", ")", ""};
    size_t k = pick(8);
    std::string nest;
    for (size_t i = 0; i < depth; ++i)
      nest += opens[k];
    nest += "1";
    for (size_t i = 0; i < depth; ++i)
      nest += closes[k];
    // Put it where an expression is expected half of the time.
    size_t eq = s.find("= ", pick(s.size()));
    if (eq != std::string::npos && pick(2))
      return s.substr(0, eq + 2) + nest + " " + s.substr(eq + 2);
    return insertAt(s, nest);
  }

  std::string hugeLine(const std::string &s) {
    const size_t mb = 1 << 20;
    switch (pick(6)) {
    case 0:
      return insertAt(s, "\n// " + std::string(mb, 'x') + "\n");
    case 1:
      return insertAt(s, "\"" + std::string(mb, 'y') + "\"");
    case 2:
      return insertAt(s, " " + std::string(mb, 'z') + " ");
    case 3:
      return insertAt(s, std::string(mb, ' '));
    case 4: {
      std::string e = "seed = 1";
      while (e.size() < mb)
        e += " + 1";
      size_t brace = s.find('{');
      return brace == std::string::npos ? e : insertAt(s, "\n" + e + "\n");
    }
    default:
      return insertAt(s, std::string(mb, '9'));
    }
  }

  std::string nulBytes(const std::string &s) {
    std::string r = s;
    for (size_t n = 1 + pick(3); n; --n)
      r = insertAt(r, std::string(1 + pick(3), '\0'));
    return r;
  }

  std::string badUtf8(const std::string &s) {
    static const char *const seqs[] = {
        "\xff",     "\xc0\x80", "\xe2\x82", "\xed\xa0\x80", "\xf4\x90\x80\x80",
        "\x80\x80", "\xfe\xfe"};
    std::string bad = seqs[pick(7)];
    // Inside a string literal half of the time.
    size_t quote = s.find('"', pick(s.size()));
    if (quote != std::string::npos && pick(2))
      return s.substr(0, quote + 1) + bad + s.substr(quote + 1);
    return insertAt(s, bad);
  }

private:
  const std::vector<std::string> &corpus;
  std::mt19937_64 rng;
};

TEST(FrontendRobustness, OriginalPipelinesAreClean) {
  std::vector<std::string> paths;
  auto corpus = loadPipelines(&paths);
  ASSERT_GE(corpus.size(), 3u) << "expected the pipelines/ directory";
  Checker checker;
  for (size_t i = 0; i < corpus.size(); ++i) {
    // From where it lives: smol_r1 names its model relative to pipelines/.
    Outcome out = checker.check(corpus[i], paths[i]);
    EXPECT_TRUE(out.succeeded) << paths[i];
    EXPECT_EQ(out.errors, 0u) << paths[i];
  }
}

TEST(FrontendRobustness, MutationsNeverCrashAndErrorsHaveLocations) {
  auto corpus = loadPipelines();
  ASSERT_GE(corpus.size(), 3u);
  Checker checker;
  Mutator mutator(corpus);
  enum Kind { Truncate, Flip, Token, Splice, Nest, Huge, Nul, Utf8, NumKinds };
  const char *names[] = {"truncate", "flip", "token", "splice",
                         "nest",     "huge", "nul",   "utf8"};
  // Counts per kind; the huge-line kind is the slowest, so it runs fewer.
  const unsigned counts[] = {5000, 5000, 5000, 2500, 1200, 60, 1200, 1200};
  unsigned total = 0, passed = 0, failedRuns = 0;
  double slowest = 0;
  std::string slowestKind;
  for (int kind = 0; kind < NumKinds; ++kind) {
    for (unsigned i = 0; i < counts[kind]; ++i) {
      const std::string &base = corpus[mutator.pick(corpus.size())];
      std::string input;
      switch (kind) {
      case Truncate:
        input = mutator.truncate(base);
        break;
      case Flip:
        input = mutator.flipBytes(base);
        break;
      case Token:
        input = mutator.tokenEdit(mutator.tokenEdit(base));
        break;
      case Splice:
        input = mutator.spliceLine(base);
        break;
      case Nest:
        input = mutator.deepNesting(base);
        break;
      case Huge:
        input = mutator.hugeLine(base);
        break;
      case Nul:
        input = mutator.nulBytes(base);
        break;
      default:
        input = mutator.badUtf8(base);
        break;
      }
      auto start = std::chrono::steady_clock::now();
      Outcome out = checker.check(input);
      double secs = std::chrono::duration<double>(
                        std::chrono::steady_clock::now() - start)
                        .count();
      if (secs > slowest)
        slowest = secs, slowestKind = names[kind];
      ++total;
      if (out.succeeded) {
        ++passed;
        ASSERT_EQ(out.errors, 0u) << names[kind] << " #" << i;
      } else {
        ++failedRuns;
        ASSERT_GE(out.errors, 1u)
            << names[kind] << " #" << i << ": failure without an error";
      }
      ASSERT_TRUE(out.unlocated.empty())
          << names[kind] << " #" << i << ": " << out.unlocated.front();
      // A hang guard only (no performance claim): any single input taking
      // this long means the front end is stuck or quadratic.
      ASSERT_LT(secs, 20.0) << names[kind] << " #" << i;
    }
  }
  std::printf("[ fuzz ] %u mutations: %u accepted, %u rejected with located "
              "errors; slowest %.3f s (%s)\n",
              total, passed, failedRuns, slowest, slowestKind.c_str());
  EXPECT_GE(total, 20000u);
  // Both outcomes must occur, or the mutations are not exercising anything.
  EXPECT_GT(passed, 100u);
  EXPECT_GT(failedRuns, 10000u);
}

} // namespace
