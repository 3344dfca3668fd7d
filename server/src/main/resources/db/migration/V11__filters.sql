-- Client filters (POST /user/{userId}/filter). filter_id counts up per user; identical filters of one
-- user share an ID, so clients that upload the same filter on every start do not grow the table.
CREATE TABLE user_filters (
    user_id     TEXT NOT NULL,
    filter_id   BIGINT NOT NULL,
    filter_json TEXT NOT NULL,
    created_ts  BIGINT NOT NULL,
    PRIMARY KEY (user_id, filter_id)
);
