-- A few columns keep a time as text, as the file does (a complaint's reply
-- deadline). The file holds nanoseconds; a plain cast to timestamptz rounds
-- them to the nearest microsecond, while every timestamptz column moved in
-- was truncated. This reads such text the same way, so a deadline compares,
-- sorts and shows alike on both stores.
CREATE FUNCTION frontdesk_at(t text) RETURNS timestamptz
    LANGUAGE sql STABLE STRICT AS $$
    SELECT regexp_replace(t, '(\.[0-9]{6})[0-9]+', '\1')::timestamptz
$$;
