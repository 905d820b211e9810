// Read an iCalendar file with ical.js (Mozilla Thunderbird's engine) and print,
// as JSON, each event's UID, SEQUENCE, STATUS, start and end (UTC ISO, or a DATE)
// and the UTC instant of each alarm, computed as Thunderbird's calAlarm does:
// start.clone().addDuration(trigger), with the file's own VTIMEZONEs registered.
// Usage: node read_ics.cjs FILE.ics   (NODE_PATH must reach ical.js)
const fs = require("fs");
const ICAL = require("ical.js");

const data = fs.readFileSync(process.argv[2], "utf8");
const calendar = new ICAL.Component(ICAL.parse(data));
for (const zone of calendar.getAllSubcomponents("vtimezone")) {
  ICAL.TimezoneService.register(new ICAL.Timezone(zone));
}
function instant(time) {
  if (time.isDate) return time.toString();
  return time.toJSDate().toISOString();
}
const out = calendar.getAllSubcomponents("vevent").map((component) => {
  const event = new ICAL.Event(component);
  const alarms = component.getAllSubcomponents("valarm").map((alarm) => {
    const trigger = alarm.getFirstPropertyValue("trigger");
    const fire = event.startDate.clone();
    // An all-day start is midnight of its day when an alarm is computed from it
    // (Thunderbird's calAlarm does the same), else the time part is dropped.
    fire.isDate = false;
    fire.addDuration(trigger);
    return { description: alarm.getFirstPropertyValue("description"), fire: instant(fire) };
  });
  return {
    uid: event.uid,
    sequence: event.sequence,
    status: component.getFirstPropertyValue("status"),
    summary: event.summary,
    description: event.description,
    start: instant(event.startDate),
    end: instant(event.endDate),
    alarms,
  };
});
process.stdout.write(JSON.stringify({
  name: calendar.getFirstPropertyValue("x-wr-calname"),
  events: out,
}));
