import { registry } from "@web/core/registry";

// The deadline calendars open on the next deadline of the records shown, not on the current
// (empty) month (recouvrement_b2b issue 16): the test's deadlines are months ahead, so an
// event shows only if the calendar opened on their month. Started on each calendar.
registry.category("web_tour.tours").add("recouvrement_deadline_calendar", {
    steps: () => [
        {
            content: "The calendar shows the next deadline's event",
            trigger: ".o_calendar_widget .fc-event",
        },
    ],
});
