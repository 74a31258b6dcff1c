// The host's libstdc++ configuration (bits/c++config.h of the host's libstdc++-dev, found next on
// the include path), corrected for the bare-metal ESP32-S3 guest: a single thread and no glibc.
// The S3 has no libstdc++ build (the kit's README), but TFLM's and flatbuffers' headers need the
// standard headers (<algorithm>, <limits>, <type_traits>, <new>, ...): libstdc++'s are templates,
// and the few out-of-line pieces TFLM would call are given by tools/s3/tflm/runtime.cc.
#include_next <bits/c++config.h>
#undef _GLIBCXX_HAS_GTHREADS
#undef _GLIBCXX_HAVE_TLS
#undef _GLIBCXX_USE_FLOAT128
#undef _GLIBCXX_HAVE_AT_QUICK_EXIT
#undef _GLIBCXX_HAVE_QUICK_EXIT
// GCC 13 (the kit's compiler) made these names built-in traits; libstdc++ 12 (Debian 12's headers)
// still declares templates with them. Renamed consistently throughout its headers.
#define __is_nothrow_convertible __md_libstdcxx12_is_nothrow_convertible
#define __remove_cv __md_libstdcxx12_remove_cv
