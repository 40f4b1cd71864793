package io.surge.cloudevents;

import java.nio.charset.StandardCharsets;

/**
 * How event data is stored and given back, decided once from its content type and bytes, so that what comes
 * back is what was sent: JSON as a {@code data} value, text as a {@code data} string, anything else as
 * {@code data_base64}. Only {@link #JSONB} data goes into the jsonb column; the rest is kept as bytes.
 */
public enum DataForm {
  /** JSON that jsonb stores as it is. */
  JSONB,
  /** JSON that jsonb would refuse (a number beyond numeric, {@code \u0000}, a lone surrogate): kept as bytes. */
  JSON,
  /** Text of a textual media type (text/*, XML, YAML...) in UTF-8. */
  TEXT,
  BINARY;

  /** The form of {@code data} (not null) under {@code datacontenttype} (null means JSON, json-format 3.1). */
  public static DataForm of(String datacontenttype, byte[] data) {
    String essence = datacontenttype == null ? JsonEventFormat.APPLICATION_JSON : MediaType.essence(datacontenttype);
    if (MediaType.isJson(essence)) {
      if (JsonData.isJsonb(data)) {
        return JSONB;
      }
      return JsonData.isJson(data) ? JSON : BINARY;
    }
    return isText(essence, datacontenttype) && Utf8.isValid(data) ? TEXT : BINARY;
  }

  /** The form of data read back from the bytes column (jsonb rows are {@link #JSONB} without a look). */
  public static DataForm ofStoredBytes(String datacontenttype, byte[] data) {
    DataForm form = of(datacontenttype, data);
    return form == JSONB ? JSON : form;
  }

  /** The data as the JSON event format carries it: a raw JSON value, a string, or Base64. */
  public void write(com.fasterxml.jackson.core.JsonGenerator g, byte[] data) throws java.io.IOException {
    switch (this) {
      case JSONB, JSON -> {
        g.writeFieldName("data");
        g.writeRawValue(new String(data, StandardCharsets.UTF_8));
      }
      case TEXT -> g.writeStringField("data", new String(data, StandardCharsets.UTF_8));
      case BINARY -> {
        g.writeFieldName("data_base64");
        g.writeBinary(data);
      }
    }
  }

  private static boolean isText(String essence, String contentType) {
    if (essence == null) {
      return false;
    }
    boolean textual = essence.startsWith("text/") || essence.endsWith("/xml") || essence.endsWith("+xml")
        || essence.endsWith("/yaml") || essence.endsWith("+yaml") || essence.equals("application/x-yaml")
        || essence.equals("application/javascript") || essence.equals("application/x-www-form-urlencoded");
    if (!textual) {
      return false;
    }
    String charset = MediaType.parameter(contentType, "charset");
    return charset == null || charset.equalsIgnoreCase("utf-8") || charset.equalsIgnoreCase("us-ascii");
  }
}
