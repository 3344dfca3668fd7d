package org.bollwerk.web;

import org.bollwerk.matrix.ErrCode;
import org.bollwerk.matrix.MatrixException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** Typed access to fields of a request body, with the spec's error codes for wrong or missing values. */
public final class JsonBody {
    private JsonBody() {
    }

    public static String string(JsonNode body, String field, boolean required) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            if (required) throw MatrixException.missingParam("Missing '" + field + "'");
            return null;
        }
        if (!value.isString()) throw MatrixException.badJson("'" + field + "' must be a string");
        return value.asString();
    }

    public static boolean bool(JsonNode body, String field, boolean fallback) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) return fallback;
        if (!value.isBoolean()) throw MatrixException.badJson("'" + field + "' must be a boolean");
        return value.booleanValue();
    }

    public static Long integer(JsonNode body, String field) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) return null;
        if (!value.isIntegralNumber() || !value.canConvertToLong()) {
            throw MatrixException.badJson("'" + field + "' must be an integer");
        }
        return value.longValue();
    }

    public static ObjectNode object(JsonNode body, String field, boolean required) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            if (required) throw MatrixException.missingParam("Missing '" + field + "'");
            return null;
        }
        if (!value.isObject()) throw MatrixException.badJson("'" + field + "' must be an object");
        return (ObjectNode) value;
    }

    public static MatrixException tooLarge(String what) {
        return new MatrixException(ErrCode.M_TOO_LARGE, what + " is too large");
    }
}
