package org.bollwerk.matrix;

/** Matrix error codes with the HTTP status the spec pairs them with. */
public enum ErrCode {
    M_FORBIDDEN(403),
    M_UNKNOWN_TOKEN(401),
    M_MISSING_TOKEN(401),
    M_USER_LOCKED(401),
    M_USER_DEACTIVATED(403),
    M_BAD_JSON(400),
    M_NOT_JSON(400),
    M_NOT_FOUND(404),
    M_LIMIT_EXCEEDED(429),
    M_UNRECOGNIZED(404),
    M_UNKNOWN(500),
    M_UNAUTHORIZED(401),
    M_USER_IN_USE(400),
    M_INVALID_USERNAME(400),
    M_ROOM_IN_USE(400),
    M_INVALID_ROOM_STATE(400),
    M_UNSUPPORTED_ROOM_VERSION(400),
    M_INCOMPATIBLE_ROOM_VERSION(400),
    M_BAD_STATE(400),
    M_GUEST_ACCESS_FORBIDDEN(403),
    M_MISSING_PARAM(400),
    M_INVALID_PARAM(400),
    M_TOO_LARGE(413),
    M_EXCLUSIVE(400),
    M_THREEPID_NOT_FOUND(400),
    M_INVALID_SIGNATURE(400),
    M_BAD_ALIAS(400),
    M_CANNOT_LEAVE_SERVER_NOTICE_ROOM(403),
    M_WEAK_PASSWORD(400),
    /** Key backup: the request names a backup version that is not the current one. */
    M_WRONG_ROOM_KEYS_VERSION(403),
    /** Media: the content URI was created with /create but nothing was uploaded to it yet. */
    M_NOT_YET_UPLOADED(504),
    /** Media: content was already uploaded to this content URI. */
    M_CANNOT_OVERWRITE_MEDIA(409),
    /** Profile: storing the value would make the whole profile larger than 64 KiB. */
    M_PROFILE_TOO_LARGE(400),
    /** Profile: the key name is longer than 255 bytes. */
    M_KEY_TOO_LARGE(400),
    /** A suspended account may read but not change anything (spec v1.14). */
    M_USER_SUSPENDED(403),
    /** Third-party identifiers (e-mail, phone) are not allowed here: Bollwerk stores none by design. */
    M_THREEPID_DENIED(403);

    private final int httpStatus;

    ErrCode(int httpStatus) {
        this.httpStatus = httpStatus;
    }

    public int httpStatus() {
        return httpStatus;
    }
}
