/*
 * wax/common.h - macros shared by every public header of libwax.
 *
 * WAX_API marks the public symbols: libwax.so is built with
 * -fvisibility=hidden, so only WAX_API functions are exported.
 * WAX_MUST_CHECK makes an ignored wax_err a compile error under -Werror.
 */
#ifndef WAX_COMMON_H
#define WAX_COMMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#if defined(__GNUC__) || defined(__clang__)
#define WAX_API __attribute__((visibility("default")))
#define WAX_MUST_CHECK __attribute__((warn_unused_result))
#else
#define WAX_API
#define WAX_MUST_CHECK
#endif

#define WAX_VERSION_STRING "0.1.0"

#endif
