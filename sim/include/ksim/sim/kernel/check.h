// Broken invariants abort with a message (DESIGN.md, error tier 1). Used for
// programming errors only, never for bad user input.
#pragma once

#include <cstdio>
#include <cstdlib>

#define KSIM_CHECK(cond, msg)                                                                     \
  do {                                                                                            \
    if (!(cond)) [[unlikely]] {                                                                   \
      std::fprintf(stderr, "ksim: invariant broken at %s:%d: %s (%s)\n", __FILE__, __LINE__, msg, \
                   #cond);                                                                        \
      std::abort();                                                                               \
    }                                                                                             \
  } while (false)
