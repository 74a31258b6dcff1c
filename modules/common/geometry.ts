/*
 * The one definition of the frame's geometry: a 128x64 monochrome SSD1306, stored the panel's own
 * way (GDDRAM pages: one byte is one column of one 8-row page, bit 0 on top). The display driver,
 * the faces, the pack format, the simulated panel and the tools import these; the C code includes
 * native/common/geometry.h, which `npm run gen` writes from this file (a test checks it is current).
 */
export const WIDTH = 128;
export const HEIGHT = 64;
export const PAGES = HEIGHT >> 3;
export const FRAME_BYTES = WIDTH * PAGES;
export const PIXELS = WIDTH * HEIGHT;
