//===- Generate.h - `r1run generate` ----------------------------*- C++ -*-===//

#ifndef R1RUN_GENERATE_H
#define R1RUN_GENERATE_H

/// Runs `r1run generate ...`; argv[0] is "generate". Returns the exit code.
int runGenerate(int argc, char **argv);

#endif // R1RUN_GENERATE_H
