-- Customers are the group's, but their ROs, calls and appointments belong
-- to shops, and row security hides the shops a person may not see. A merge
-- by someone who cannot see every shop would move only what they see and
-- leave the rest on the duplicate. This counts, without showing them, the
-- rows a customer has in shops the caller may not see, so the merge can
-- refuse instead of splitting a customer's history.
CREATE FUNCTION frontdesk_rows_out_of_sight(customer BIGINT) RETURNS BIGINT
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public
    AS $$
        SELECT sum(n)::bigint FROM (
            SELECT count(*) AS n FROM repair_orders WHERE customer_id = customer
                AND shop_id NOT IN (SELECT frontdesk_allowed_shops())
            UNION ALL SELECT count(*) FROM appointments WHERE customer_id = customer
                AND shop_id NOT IN (SELECT frontdesk_allowed_shops())
            UNION ALL SELECT count(*) FROM callbacks WHERE customer_id = customer
                AND shop_id NOT IN (SELECT frontdesk_allowed_shops())
            UNION ALL SELECT count(*) FROM contacts WHERE customer_id = customer
                AND shop_id NOT IN (SELECT frontdesk_allowed_shops())
            UNION ALL SELECT count(*) FROM complaints WHERE customer_id = customer
                AND shop_id NOT IN (SELECT frontdesk_allowed_shops())
            UNION ALL SELECT count(*) FROM part_orders WHERE customer_id = customer
                AND shop_id NOT IN (SELECT frontdesk_allowed_shops())
        ) t
    $$;
