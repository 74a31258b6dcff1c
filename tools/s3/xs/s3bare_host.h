/* What the s3bare platform layer needs from the program around it (runner.c, modules.c). */
#ifndef S3BARE_HOST_H
#define S3BARE_HOST_H
#ifndef S3_XS_CHUNK_BYTES
#define S3_XS_CHUNK_BYTES 78848
#endif
#ifndef S3_XS_HEAP_SLOTS
#define S3_XS_HEAP_SLOTS 6016
#endif
#ifndef S3_XS_STACK_SLOTS
#define S3_XS_STACK_SLOTS 512
#endif
#ifndef S3_XS_ENTRY
#define S3_XS_ENTRY "/tools/s3/xs/app.js"
#endif
#define S3_XS_SLOT_COUNT (S3_XS_HEAP_SLOTS + S3_XS_STACK_SLOTS)

/* The source text of the module at this absolute path, or NULL (modules.c). */
const char* s3FindModuleSource(const char* path);
/* Ends the program through semihosting with this exit code (runner.c). */
void s3Exit(int code) __attribute__((noreturn));
/* Runs the promise jobs queued so far (s3bare_platform.c). */
struct sxMachine;
void s3RunJobs(struct sxMachine* the);
#endif
