//===- r1c-docgen.cpp - Generate docs/language.md's parameter tables ------===//
//
//   r1c-docgen FILE.md           rewrite the generated tables of FILE.md
//   r1c-docgen --check FILE.md   exit 1 when they are stale
//
// A generated table sits between `<!-- r1c-docgen: WHAT -->` and
// `<!-- r1c-docgen end -->`, where WHAT is `stage NAME`, `dataset NAME`,
// `model NAME` (deepseek, dense, mla, moe, yarn), `block NAME` (lora),
// `settings` or `eval`. The
// rows come from the front end's signature tables
// (include/r1/Frontend/Signatures.h, which expand r1/Dialect/R1/Params.def),
// so the docs cannot drift from the compiler.
//
//===----------------------------------------------------------------------===//

#include "r1/Frontend/Signatures.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/WithColor.h"
#include "llvm/Support/raw_ostream.h"

#include <string>

using namespace r1;
namespace cl = llvm::cl;

static cl::opt<std::string> inputPath(cl::Positional, cl::Required,
                                      cl::desc("<markdown file>"));
static cl::opt<bool> checkOnly("check",
                               cl::desc("Only check; exit 1 when stale"));

static const char kBegin[] = "<!-- r1c-docgen: ";
static const char kEnd[] = "<!-- r1c-docgen end -->";

static std::string capsNames(unsigned caps) {
  std::string out;
  using Cap = std::pair<unsigned, const char *>;
  for (auto [bit, name] :
       {Cap{ast::CapText, "text"}, Cap{ast::CapPairs, "pairs"},
        Cap{ast::CapVerifiable, "verifiable"}})
    if (caps & bit)
      out += (out.empty() ? "" : ", ") + std::string(name);
  return out;
}

/// The markdown table of `sig`'s parameters.
static std::string renderTable(const Signature &sig) {
  std::string out = "| name | kind | how | default | constraint | meaning |\n"
                    "|---|---|---|---|---|---|\n";
  for (const ParamSignature &p : sig.params) {
    std::string kind = getName(p.type);
    llvm::SmallVector<llvm::StringRef> choices;
    if (p.choices)
      llvm::StringRef(p.choices).split(choices, '|');
    if (p.type == ParamType::Symbol)
      kind = "one of `" + llvm::join(choices, "`, `") + "`";
    else if (p.type == ParamType::Words)
      kind = "list of `" + llvm::join(choices, "`, `") + "`";
    else if (p.type == ParamType::Block)
      kind = "block `" + std::string(p.name) + " { ... }`";
    std::string how = p.positional ? "positional, " : "";
    if (p.variadic)
      how += "variadic, ";
    how += p.required ? "required" : "optional";
    std::string dflt =
        p.defaultValue ? "`" + std::string(p.defaultValue) + "`" : "";
    std::string constraint = p.needCaps ? capsNames(p.needCaps)
                             : p.constraint == Constraint::None
                                 ? ""
                                 : getName(p.constraint);
    out += "| `" + std::string(p.name) + "` | " + kind + " | " + how + " | " +
           dflt + " | " + constraint + " | " + p.doc + " |\n";
  }
  return out;
}

/// The signature `what` names ("stage grpo"), or null.
static const Signature *findSignature(llvm::StringRef what) {
  auto [group, name] = what.split(' ');
  if (group == "stage")
    if (const StageSignature *s = lookupStage(name))
      return &s->sig;
  if (group == "dataset")
    return lookup(getDatasetSignatures(), name);
  if (group == "model")
    return lookupModelBlock(name);
  if (group == "block")
    return lookupBlockArg(name);
  if (group == "settings" && name.empty())
    return &getSettingsSignature();
  if (group == "eval" && name.empty())
    return &getEvalSettingsSignature();
  return nullptr;
}

static int fail(const llvm::Twine &message) {
  llvm::WithColor::error(llvm::errs(), "r1c-docgen") << message << "\n";
  return 1;
}

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  cl::ParseCommandLineOptions(
      argc, argv, "r1c-docgen: refresh the generated tables of a doc\n");
  auto buffer = llvm::MemoryBuffer::getFile(inputPath, /*IsText=*/true,
                                            /*RequiresNullTerminator=*/false,
                                            /*IsVolatile=*/true);
  if (!buffer)
    return fail("cannot read '" + inputPath +
                "': " + buffer.getError().message());
  std::string old = (*buffer)->getBuffer().str();

  // Copy the text, replacing what lies between each marker pair.
  std::string out;
  llvm::StringRef rest = old;
  unsigned line = 1, tables = 0;
  while (true) {
    size_t begin = rest.find(kBegin);
    if (begin == llvm::StringRef::npos)
      break;
    size_t eol = rest.find('\n', begin);
    if (eol == llvm::StringRef::npos)
      eol = rest.size();
    line += rest.take_front(begin).count('\n');
    llvm::StringRef marker = rest.slice(begin, eol);
    if (!marker.consume_back(" -->"))
      return fail(inputPath + ":" + llvm::Twine(line) +
                  ": marker must end with ' -->'");
    llvm::StringRef what = marker.drop_front(sizeof(kBegin) - 1).trim();
    const Signature *sig = findSignature(what);
    if (!sig)
      return fail(inputPath + ":" + llvm::Twine(line) + ": unknown table '" +
                  what + "' (stage NAME, dataset NAME, model NAME, " +
                  "block NAME, settings, eval)");
    size_t end = rest.find(kEnd, eol);
    if (end == llvm::StringRef::npos)
      return fail(inputPath + ":" + llvm::Twine(line) + ": no '" + kEnd +
                  "' after '" + what + "'");
    out += rest.take_front(eol + 1).str();
    out += renderTable(*sig);
    line += rest.slice(begin, end).count('\n');
    rest = rest.drop_front(end);
    out += rest.take_front(sizeof(kEnd) - 1).str();
    rest = rest.drop_front(sizeof(kEnd) - 1);
    ++tables;
  }
  out += rest.str();
  if (tables == 0)
    return fail("'" + inputPath + "' has no '" + kBegin + "...' marker");

  if (checkOnly) {
    if (out == old)
      return 0;
    return fail("the parameter tables of '" + inputPath +
                "' are stale; refresh them with: " + argv[0] + " " +
                inputPath);
  }
  if (out == old)
    return 0;
  std::error_code ec;
  llvm::raw_fd_ostream os(inputPath, ec);
  if (ec)
    return fail("cannot write '" + inputPath + "': " + ec.message());
  os << out;
  return 0;
}
