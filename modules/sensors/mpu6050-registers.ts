/*
 * The MPU-6050's register map (InvenSense register map rev 4.2): one definition for the driver
 * (mpu6050.ts) and the byte-accurate virtual chip that stands in for it (modules/virtual/mpu6050.ts),
 * as display/commands.ts is for the SSD1306 and its virtual panel.
 */
/** 7-bit address with AD0 low; also the chip's answer in WHO_AM_I. */
export const MPU6050_ADDRESS = 0x68;
export const WHO_AM_I_VALUE = 0x68;
export const REG = Object.freeze({
  SMPLRT_DIV: 0x19,
  CONFIG: 0x1a,
  GYRO_CONFIG: 0x1b,
  ACCEL_CONFIG: 0x1c,
  ACCEL_XOUT_H: 0x3b,
  TEMP_OUT_H: 0x41,
  GYRO_XOUT_H: 0x43,
  PWR_MGMT_1: 0x6b,
  PWR_MGMT_2: 0x6c,
  WHO_AM_I: 0x75,
});
/** PWR_MGMT_1 bits: SLEEP (set at reset), DEVICE_RESET. */
export const PWR_SLEEP = 0x40;
export const PWR_RESET = 0x80;
