-- timestamp_to_event looks events of one room up by origin_server_ts.
CREATE INDEX events_room_ts ON events (room_id, origin_server_ts, stream_ordering);
