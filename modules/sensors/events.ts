/*
 * The robot's sensor events, in index order: the one list. The touch pad (touch.ts via senses.ts)
 * and the motion detector (motion.ts) report these indices; the behaviour table
 * (modules/app/behaviour.ts, behaviour.json `sensors`) maps each to a stimulus.
 */
export const SENSOR_EVENTS = Object.freeze(["touch", "pickup", "shake", "fall", "tilt"] as const);
export type SensorEvent = (typeof SENSOR_EVENTS)[number];

export const TOUCH_EVENT = SENSOR_EVENTS.indexOf("touch");
export const MOTION_PICKUP = SENSOR_EVENTS.indexOf("pickup");
export const MOTION_SHAKE = SENSOR_EVENTS.indexOf("shake");
export const MOTION_FALL = SENSOR_EVENTS.indexOf("fall");
export const MOTION_TILT = SENSOR_EVENTS.indexOf("tilt");
/** No event. */
export const MOTION_NONE = -1;
