-- frontdesk schema 7: reports (F8). Each report query reads one range of
-- one time index; none of them walks a whole table for a month.
-- Append-only: never edit a migration that has shipped; add the next one.

-- Cars in per day, and the comeback window.
CREATE INDEX repair_orders_checked_in ON repair_orders(checked_in_at);
-- "369": each customer's last visit, read from the index alone.
CREATE INDEX repair_orders_customer_visit ON repair_orders(customer_id, checked_in_at);
-- Satisfaction and CSI by the day of the call.
CREATE INDEX contacts_at ON contacts(at);
-- First-maintenance return: cars bought three months before the period.
CREATE INDEX vehicles_purchased ON vehicles(purchased_on);
-- Complaints opened in a period.
CREATE INDEX complaints_received ON complaints(received_at);
-- What each RO was paid, read from the index alone.
CREATE INDEX payments_ro_amount ON payments(ro_id, amount_minor);
