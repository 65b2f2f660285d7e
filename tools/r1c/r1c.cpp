//===- r1c.cpp - The r1c driver: subcommand dispatch and diagnostics ------===//
//
//   r1c check FILE...                   parse + check, exit 1 on errors
//   r1c compile FILE [-o X.r1plan]      write the plan bundle
//   r1c explain FILE                    the stage DAG and cost estimates
//   r1c FILE --emit=ast|mlir|mlir-raw   print the checked AST, the r1 IR
//                                       after r1-compile-pipeline, or the
//                                       IR straight from MLIRGen
//   --verify-diagnostics, --split-input-file (marker `// -----`), -o PATH,
//   and MLIR's pass-manager and printing options (--mlir-print-ir-after-all)
//
// Subcommands and emit kinds are rows of the two tables below; each is a
// function in its own file (see Commands.h).
//
//===----------------------------------------------------------------------===//

#include "Commands.h"
#include "CompileCommands.h"

#include "r1/Conversion/Passes.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Support/FileUtilities.h"
#include "mlir/Support/ToolUtilities.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/ToolOutputFile.h"
#include "llvm/Support/WithColor.h"

using namespace r1::driver;
namespace cl = llvm::cl;

/// `r1c NAME FILE`.
static const Command commands[] = {
    {"check", "parse and check FILE; exit 1 on errors", runCheck},
    {"compile", "write the plan bundle (-o X.r1plan)", runCompile},
    {"explain", "print the stage DAG and cost estimates", runExplain},
};

/// `r1c FILE --emit=NAME`.
static const Command emitters[] = {
    {"ast", "the checked AST", runEmitAst},
    {"mlir", "the r1 IR after r1-compile-pipeline", runEmitMlir},
    {"mlir-raw", "the r1 IR before any pass", runEmitRawMlir},
};

static cl::OptionCategory category("r1c options");
static cl::list<std::string>
    positionals(cl::Positional, cl::desc("[command] FILE"), cl::cat(category));
static cl::opt<std::string> emitKind("emit",
                                     cl::desc("What to print: ast, mlir, "
                                              "mlir-raw"),
                                     cl::value_desc("kind"), cl::init("ast"),
                                     cl::cat(category));
static cl::opt<std::string> outputFile("o", cl::desc("Output file"),
                                       cl::value_desc("path"), cl::init("-"),
                                       cl::cat(category));
static cl::opt<bool> verifyDiagnostics(
    "verify-diagnostics",
    cl::desc("Check diagnostics against expected-* comments in the input"),
    cl::init(false), cl::cat(category));
static cl::opt<bool> splitInputFile(
    "split-input-file",
    cl::desc("Process each chunk separated by '// -----' on its own"),
    cl::init(false), cl::cat(category));

/// Prints a one-line driver error and returns the exit code 1.
static int fail(const llvm::Twine &message) {
  llvm::WithColor::error(llvm::errs(), "r1c") << message << "\n";
  return 1;
}

/// Dialects the commands may create IR in (none for the front end itself).
static void registerDialects(mlir::DialectRegistry &registry) {
  registerCompilerDialects(registry);
}

/// Runs `command` on one buffer with the right diagnostic handler.
static mlir::LogicalResult
processBuffer(const Command &command,
              std::unique_ptr<llvm::MemoryBuffer> buffer,
              llvm::raw_ostream &os) {
  llvm::SourceMgr sourceMgr;
  sourceMgr.AddNewSourceBuffer(std::move(buffer), llvm::SMLoc());
  mlir::DialectRegistry registry;
  registerDialects(registry);
  mlir::MLIRContext context(registry, mlir::MLIRContext::Threading::DISABLED);
  if (verifyDiagnostics) {
    mlir::SourceMgrDiagnosticVerifierHandler handler(sourceMgr, &context);
    (void)command.run(sourceMgr, context, os);
    return handler.verify();
  }
  mlir::SourceMgrDiagnosticHandler handler(sourceMgr, &context);
  return command.run(sourceMgr, context, os);
}

static int runOnFile(const Command &command, const std::string &path);

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  cl::HideUnrelatedOptions(category);
  std::string overview = "r1c: compiler for .r1p training pipelines\n\n"
                         "  r1c COMMAND FILE [options]\n"
                         "  r1c FILE --emit=KIND [options]\n\ncommands:\n";
  for (const Command &c : commands)
    overview += "  " + std::string(c.name) + "  " + c.help + "\n";
  overview += "emit kinds:\n";
  for (const Command &c : emitters)
    overview += "  " + std::string(c.name) + "  " + c.help + "\n";
  registerCompilerCLOptions();
  // The kernel lowering (r1c compile) parses upstream pass pipelines.
  r1::registerR1ConversionPassesAndPipelines();
  cl::ParseCommandLineOptions(argc, argv, overview);

  // Pick the command: a leading known name, else --emit.
  std::vector<std::string> args(positionals.begin(), positionals.end());
  const Command *command = nullptr;
  if (!args.empty())
    for (const Command &c : commands)
      if (args.front() == c.name) {
        command = &c;
        args.erase(args.begin());
        break;
      }
  if (!command) {
    for (const Command &c : emitters)
      if (emitKind == c.name)
        command = &c;
    if (!command)
      return fail("unknown --emit kind '" + emitKind +
                  "'; see r1c --help for the kinds");
  }
  if (args.empty())
    return fail("no input file; usage: r1c check FILE");
  // `r1c check` accepts several files; other commands take one.
  if (args.size() != 1 && command != &commands[0])
    return fail("expected one input file, got " + llvm::Twine(args.size()) +
                "; usage: r1c " + command->name + " FILE");
  int status = 0;
  for (const std::string &path : args)
    status |= runOnFile(*command, path);
  return status;
}

/// Reads `path` and runs `command` on it (or on each split chunk).
static int runOnFile(const Command &command, const std::string &path) {
  if (llvm::sys::fs::is_directory(path))
    return fail("'" + path + "' is a directory; pass a .r1p file");
  std::string errorMessage;
  auto input = mlir::openInputFile(path, &errorMessage);
  if (!input)
    return fail("cannot open '" + path +
                "': " + llvm::StringRef(errorMessage).rsplit(": ").second +
                "; check the path");
  if (input->getBufferSize() == 0)
    return fail("'" + path +
                "' is empty; a pipeline file needs "
                "'pipeline NAME { ... }'");
  setBundlePaths(path, outputFile);
  auto output = mlir::openOutputFile(
      writesOwnOutput(command.run) ? std::string("-") : outputFile,
      &errorMessage);
  if (!output)
    return fail(errorMessage);

  auto process = [&](std::unique_ptr<llvm::MemoryBuffer> chunk,
                     const llvm::MemoryBufferRef &, llvm::raw_ostream &os) {
    return processBuffer(command, std::move(chunk), os);
  };
  if (failed(mlir::splitAndProcessBuffer(
          std::move(input), process, output->os(),
          splitInputFile ? mlir::kDefaultSplitMarker : "",
          splitInputFile ? "// -----" : "")))
    return 1;
  output->keep();
  return 0;
}
