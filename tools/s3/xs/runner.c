/*
 * The XS runner for the emulated ESP32-S3: creates one XS machine with the ESP32 build's fixed
 * sizes, gives it a few host functions and imports S3_XS_ENTRY (the program, tools/s3/xs/app.js) from the compiled-in module table.
 *
 * Host functions (globals):
 *   print(text)              one line on the console (semihosting)
 *   instructions()           guest instructions so far: CCOUNT x 25 under QEMU -icount shift=0
 *                            (kit README: one CCOUNT tick per 25 instructions at the default 40 MHz)
 *   heapFigures()            {slots, peakSlots, maxSlots, chunks, peakChunks, maxChunks, malloc}
 *   gc()                     a full collection
 *   hostText(name)           a text compiled into the image (the JSON data files), as a string
 *   hostPack()               the frame pack as a host buffer (flash on the board, not copied)
 *   i2cWrite(addr, buffer, offset, n)  one I2C write of n bytes, recorded on the in-memory bus
 *   decoderOpen(offset, length)  opens the project's C reference decoder (native/decoder,
 *                            backend_reference.c, static arena) on the pack's model section in place
 *   decoderLatentSize()      its latent size
 *   decoderDecode(latent, frame)  Int8Array in, page-packed frame out; false on failure
 *                            (the same calls as native/decoder/xs_decoder.c, the board's binding)
 *   i2cFlush()               prints the recorded writes on the console in the I2C log format
 *                            (docs: tools/display/i2c-log.ts), one "I2C {...}" line each
 *   xs_ssd1306_plan, xs_ssd1306_pack, xs_ssd1306_commit, xs_animator_crossfade, xs_animator_lift
 *                            the board's own host functions (native/display/xs_ssd1306.c, xsmc),
 *                            under their C names: build.ts rewrites each `native("name")` of the
 *                            modules to `name`, the direct binding xsc makes on the board
 * The program's exit code (semihosting) is 0 when main.js ran to its end, 10 + the XS abort status,
 * or 99 for a CPU exception (printed by the start-up code).
 */
#include "xsAll.h"
#include "xs.h"
#include "s3bare_host.h"
#include "backend.h"

extern const unsigned char s3Pack[];
extern const unsigned int s3PackSize;
const char* s3FindText(const char* name);

/* Console output goes through semihosting SYS_write (a2 = 4, a3 = fd, a4 = buffer, a5 = length),
   a line at a time: the emulated UART0 FIFO drops bytes when a long burst (an I2C log line of a
   whole frame) is written without polling its fill level. */
static char gLine[256];
static int gLineUsed = 0;

static void semihostWrite(const char* buffer, int length)
{
	register int a2 __asm__("a2") = 4; /* SYS_write */
	register int a3 __asm__("a3") = 1; /* stdout */
	register const char* a4 __asm__("a4") = buffer;
	register int a5 __asm__("a5") = length;
	__asm__ volatile("simcall" : "+r"(a2) : "r"(a3), "r"(a4), "r"(a5) : "memory");
}

static int consolePut(char c, FILE* f)
{
	(void)f;
	gLine[gLineUsed++] = c;
	if ((c == '\n') || (gLineUsed == (int)sizeof(gLine))) {
		semihostWrite(gLine, gLineUsed);
		gLineUsed = 0;
	}
	return (uint8_t)c;
}
static FILE gConsole = FDEV_SETUP_STREAM(consolePut, NULL, NULL, _FDEV_SETUP_WRITE);
FILE* const stdin = &gConsole;
FILE* const stdout = &gConsole;
FILE* const stderr = &gConsole;

void s3Exit(int code)
{
	if (gLineUsed)
		semihostWrite(gLine, gLineUsed);
	register int a2 __asm__("a2") = 1; /* SYS_exit */
	register int a3 __asm__("a3") = code;
	__asm__ volatile("simcall" : : "r"(a2), "r"(a3) : "memory");
	for (;;) {
	}
}

void _exit(int code)
{
	s3Exit(code);
}

/* tools/s3/crt0.S ends through s3_exit (tools/s3/runtime.c's, not linked here: picolibc is this
   image's C library) with main's value. */
void s3_exit(int code)
{
	s3Exit(code);
}

static inline uint32_t ccount(void)
{
	uint32_t c;
	__asm__ volatile("rsr %0, CCOUNT" : "=r"(c));
	return c;
}

/* Date.now(): no real-time clock here, so time since reset from CCOUNT (40 MHz in this QEMU). */
int gettimeofday(struct timeval* tv, void* tz)
{
	(void)tz;
	uint32_t us = ccount() / 40u;
	tv->tv_sec = us / 1000000u;
	tv->tv_usec = us % 1000000u;
	return 0;
}

/* The in-memory I2C bus: writes are appended here and printed by i2cFlush(), so that printing does
   not count in the instructions of the frame that made them. */
#define BUS_BYTES 32768
#define BUS_WRITES 1024
static uint8_t gBus[BUS_BYTES];
static uint16_t gBusLength[BUS_WRITES];
static uint8_t gBusAddress[BUS_WRITES];
static int gBusUsed = 0, gBusWrites = 0, gBusOverflow = 0;

static void xs_print(xsMachine* the)
{
	fputs(xsToString(xsArg(0)), stdout);
	putchar('\n');
}

static void xs_instructions(xsMachine* the)
{
	xsResult = xsNumber((double)ccount() * 25.0);
}

extern char __heap_start[];
static void xs_heapFigures(xsMachine* the)
{
	txMachine* m = (txMachine*)the;
	xsVars(1);
	xsResult = xsNewObject();
	xsVar(0) = xsInteger(m->currentHeapCount);
	xsSet(xsResult, xsID("slots"), xsVar(0));
	xsVar(0) = xsInteger(m->peakHeapCount);
	xsSet(xsResult, xsID("peakSlots"), xsVar(0));
	xsVar(0) = xsInteger(m->maximumHeapCount);
	xsSet(xsResult, xsID("maxSlots"), xsVar(0));
	xsVar(0) = xsInteger(m->currentChunksSize);
	xsSet(xsResult, xsID("chunks"), xsVar(0));
	xsVar(0) = xsInteger(m->peakChunksSize);
	xsSet(xsResult, xsID("peakChunks"), xsVar(0));
	xsVar(0) = xsInteger(m->maximumChunksSize);
	xsSet(xsResult, xsID("maxChunks"), xsVar(0));
	xsVar(0) = xsInteger((int)((char*)sbrk(0) - __heap_start));
	xsSet(xsResult, xsID("malloc"), xsVar(0));
}

static void xs_gc(xsMachine* the)
{
	xsCollectGarbage();
}

static void xs_hostText(xsMachine* the)
{
	const char* name = xsToString(xsArg(0));
	const char* text = s3FindText(name);
	if (!text)
		xsUnknownError("hostText: no text named %s in the image", name);
	xsResult = xsString((char*)text);
}

static void xs_hostPack(xsMachine* the)
{
	xsResult = xsNewHostObject(NULL);
	xsSetHostBuffer(xsResult, (void*)s3Pack, (xsIntegerValue)s3PackSize);
}

static void xs_i2cWrite(xsMachine* the)
{
	int address = xsToInteger(xsArg(0));
	int offset = xsToInteger(xsArg(2));
	int n = xsToInteger(xsArg(3));
	int available = xsGetArrayBufferLength(xsArg(1));
	if (offset < 0 || n < 0 || offset + n > available)
		xsRangeError("i2cWrite: bytes %d to %d asked, the buffer has %d", offset, offset + n, available);
	const uint8_t* data = (const uint8_t*)xsToArrayBuffer(xsArg(1)) + offset;
	if (gBusWrites == BUS_WRITES || gBusUsed + n > BUS_BYTES) {
		gBusOverflow++;
		return;
	}
	memcpy(gBus + gBusUsed, data, n);
	gBusUsed += n;
	gBusLength[gBusWrites] = (uint16_t)n;
	gBusAddress[gBusWrites] = (uint8_t)address;
	gBusWrites++;
}

static void xs_i2cFlush(xsMachine* the)
{
	static const char hex[] = "0123456789abcdef";
	const uint8_t* p = gBus;
	for (int w = 0; w < gBusWrites; w++) {
		printf("I2C {\"address\":\"%02x\",\"bytes\":\"", gBusAddress[w]);
		for (int i = 0; i < gBusLength[w]; i++, p++) {
			putchar(hex[*p >> 4]);
			putchar(hex[*p & 15]);
		}
		fputs("\"}\n", stdout);
	}
	if (gBusOverflow)
		printf("I2C-OVERFLOW %d writes lost\n", gBusOverflow);
	xsResult = xsInteger(gBusWrites);
	gBusUsed = gBusWrites = gBusOverflow = 0;
}

static md_backend* gDecoder = NULL;
static int8_t gLogits[MF_PIXELS];

static void xs_decoderOpen(xsMachine* the)
{
	int offset = xsToInteger(xsArg(0));
	int length = xsToInteger(xsArg(1));
	char err[MD_ERR_BYTES];
	if (offset < 0 || length < 0 || offset + length > (int)s3PackSize)
		xsRangeError("decoderOpen: bytes %d to %d asked, the pack has %d", offset, offset + length, (int)s3PackSize);
	err[0] = 0;
	gDecoder = md_backend_open(s3Pack + offset, (size_t)length, 0, err, sizeof(err));
	if (!gDecoder)
		xsUnknownError("decoder: %s", err[0] ? err : "cannot open");
}

static void xs_decoderLatentSize(xsMachine* the)
{
	xsResult = xsInteger(gDecoder ? md_backend_latent_size(gDecoder) : 0);
}

static void xs_decoderDecode(xsMachine* the)
{
	/* Typed arrays in: their buffers and offsets come from the JS side (app.ts S3Decoder). One xs*
	   call per statement: each goes through the->scratch, so two in one expression may interleave. */
	int latentOffset = xsToInteger(xsArg(1));
	int frameOffset = xsToInteger(xsArg(3));
	const int8_t* latent = (const int8_t*)xsToArrayBuffer(xsArg(0)) + latentOffset;
	uint8_t* frame = (uint8_t*)xsToArrayBuffer(xsArg(2)) + frameOffset;
	if (!gDecoder || md_backend_decode(gDecoder, latent, gLogits)) {
		xsResult = xsFalse;
		return;
	}
	md_logits_to_frame(gLogits, md_backend_output_tiles(gDecoder), md_backend_output_zero(gDecoder), md_backend_output_scale(gDecoder), 0, frame);
	xsResult = xsTrue;
}

/* The project's XS host functions, as mcconfig links them on the board. */
void xs_ssd1306_plan(xsMachine* the);
void xs_ssd1306_pack(xsMachine* the);
void xs_ssd1306_commit(xsMachine* the);
void xs_animator_crossfade(xsMachine* the);
void xs_animator_lift(xsMachine* the);

static void define(xsMachine* the, const char* name, xsCallback callback, int length)
{
	xsResult = xsNewHostFunction(callback, length);
	xsDefine(xsGlobal, xsID((char*)name), xsResult, xsDontEnum);
}

static void fulfilled(txMachine* the)
{
	mxException = mxUndefined;
}

static void rejected(txMachine* the)
{
	mxException = *mxArgv(0);
}

int main(void)
{
	xsCreation creation = {
		S3_XS_CHUNK_BYTES, /* initialChunkSize */
		0,                 /* incrementalChunkSize: fixed, as on the ESP32 build */
		S3_XS_HEAP_SLOTS,  /* initialHeapCount */
		0,                 /* incrementalHeapCount */
		S3_XS_STACK_SLOTS, /* stackCount */
		2048,              /* initialKeyCount: the modules' names are parsed at run time */
		256,               /* incrementalKeyCount: keys grow in the malloc heap */
		127,               /* nameModulo */
		127,               /* symbolModulo */
		32 * 1024,         /* parserBufferSize */
		1993,              /* parserTableModulo */
		0,                 /* staticSize */
	};
	uint32_t c0 = ccount();
	xsMachine* machine = xsCreateMachine(&creation, "s3", NULL);
	uint32_t c1 = ccount();
	/* The realm's built-ins are in RAM here (the ESP32 build preloads them into flash with xsl). */
	printf("XS-READY {\"instructions\":%u,\"slots\":%d,\"chunks\":%d,\"maxSlots\":%d,\"maxChunks\":%d}\n", (unsigned)((c1 - c0) * 25u),
		(int)((txMachine*)machine)->currentHeapCount, (int)((txMachine*)machine)->currentChunksSize,
		(int)((txMachine*)machine)->maximumHeapCount, (int)((txMachine*)machine)->maximumChunksSize);
	int status = 1;
	xsBeginHost(machine);
	{
		define(the, "print", xs_print, 1);
		define(the, "instructions", xs_instructions, 0);
		define(the, "heapFigures", xs_heapFigures, 0);
		define(the, "gc", xs_gc, 0);
		define(the, "hostText", xs_hostText, 1);
		define(the, "hostPack", xs_hostPack, 0);
		define(the, "i2cWrite", xs_i2cWrite, 4);
		define(the, "i2cFlush", xs_i2cFlush, 0);
		define(the, "decoderOpen", xs_decoderOpen, 2);
		define(the, "decoderLatentSize", xs_decoderLatentSize, 0);
		define(the, "decoderDecode", xs_decoderDecode, 4);
		define(the, "xs_ssd1306_plan", xs_ssd1306_plan, 5);
		define(the, "xs_ssd1306_pack", xs_ssd1306_pack, 6);
		define(the, "xs_ssd1306_commit", xs_ssd1306_commit, 6);
		define(the, "xs_animator_crossfade", xs_animator_crossfade, 5);
		define(the, "xs_animator_lift", xs_animator_lift, 1);
		txMachine* m = (txMachine*)the;
		txSlot* realm = mxProgram.value.reference->next->value.module.realm;
		mxPushStringC(S3_XS_ENTRY);
		fxRunImport(m, realm, XS_NO_ID);
		mxDub();
		fxGetID(m, mxID(_then));
		mxCall();
		fxNewHostFunction(m, fulfilled, 1, XS_NO_ID, XS_NO_ID);
		fxNewHostFunction(m, rejected, 1, XS_NO_ID, XS_NO_ID);
		mxRunCount(2);
		mxPop();
		s3RunJobs(m);
		if ((mxException.kind != XS_UNDEFINED_KIND) && !c_strcmp(xsToString(mxException), "Error: S3-XS-PHASE-END"))
			status = 0; /* a phase run's planned end (app.ts stopAfter) */
		else if (mxException.kind != XS_UNDEFINED_KIND) {
			printf("XS exception: %s\n", xsToString(mxException));
			status = 2;
		}
		else
			status = 0;
	}
	xsEndHost(machine);
	return status;
}
