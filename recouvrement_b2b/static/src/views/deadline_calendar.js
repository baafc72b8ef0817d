import {
    deserializeDate,
    deserializeDateTime,
    serializeDate,
    serializeDateTime,
} from "@web/core/l10n/dates";
import { registry } from "@web/core/registry";
import { CalendarModel } from "@web/views/calendar/calendar_model";
import { calendarView } from "@web/views/calendar/calendar_view";

/**
 * The calendar of the collection deadlines (litigation deadlines, cases, plan instalments):
 * it opens on the month (or week) of the next deadline of the records shown, not on the
 * current one, which is often empty (issue 16). With no deadline ahead, on the last one
 * passed; with none at all, on today. An ``initial_date`` in the action's context still wins.
 */
export class DeadlineCalendarModel extends CalendarModel {
    async load(params = {}) {
        const context = params.context || {};
        if (!this.meta.date && !context.initial_date) {
            this.meta.date = await this.fetchDeadlineDate({ ...this.meta, ...params });
        }
        return super.load(params);
    }

    /**
     * The date of the next deadline of the records the calendar shows (its domain, filters
     * of the search panel included), as a luxon DateTime at the start of its day.
     */
    async fetchDeadlineDate({ resModel, domain, fields, fieldMapping, context }) {
        const fieldName = fieldMapping.date_start;
        const isDate = fields[fieldName].type === "date";
        const today = luxon.DateTime.local().startOf("day");
        const bound = isDate ? serializeDate(today) : serializeDateTime(today);
        const first = async (operator, order) => {
            const records = await this.orm.searchRead(
                resModel,
                [...(domain || []), [fieldName, operator, bound]],
                [fieldName],
                { order: `${fieldName} ${order}`, limit: 1, context }
            );
            return records.length ? records[0][fieldName] : false;
        };
        const value = (await first(">=", "asc")) || (await first("<", "desc"));
        if (!value) {
            return today;
        }
        return (isDate ? deserializeDate(value) : deserializeDateTime(value)).startOf("day");
    }
}

export const deadlineCalendarView = {
    ...calendarView,
    Model: DeadlineCalendarModel,
};

registry.category("views").add("recouvrement_deadline_calendar", deadlineCalendarView);
