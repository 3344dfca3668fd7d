-- Which rooms refer to which media (media feature): content of a room is served to those who may see it.
CREATE TABLE media_rooms (
    server_name TEXT NOT NULL,
    media_id    TEXT NOT NULL,
    room_id     TEXT NOT NULL,
    PRIMARY KEY (server_name, media_id, room_id)
);
