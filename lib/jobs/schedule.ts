/** What a scheduled job receives: EventBridge's own envelope when the schedule sets no `input`. */
export function isScheduleEnvelope(event: unknown): boolean {
  return typeof event === 'object' && event !== null && 'detail-type' in event && 'source' in event;
}
