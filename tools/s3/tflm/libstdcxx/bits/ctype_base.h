// libstdc++'s character classes for the bare-metal ESP32-S3 guest: the "generic" ones (plain bit
// masks), instead of the host's, which are glibc's _IS* bits.
namespace std _GLIBCXX_VISIBILITY(default) {
_GLIBCXX_BEGIN_NAMESPACE_VERSION
struct ctype_base {
  typedef const int *__to_type;
  typedef unsigned int mask;
  static const mask upper = 1 << 0;
  static const mask lower = 1 << 1;
  static const mask alpha = 1 << 2;
  static const mask digit = 1 << 3;
  static const mask xdigit = 1 << 4;
  static const mask space = 1 << 5;
  static const mask print = 1 << 6;
  static const mask graph = (1 << 2) | (1 << 3) | (1 << 9);
  static const mask cntrl = 1 << 8;
  static const mask punct = 1 << 9;
  static const mask alnum = (1 << 2) | (1 << 3);
  static const mask blank = 1 << 10;
};
_GLIBCXX_END_NAMESPACE_VERSION
}  // namespace std
