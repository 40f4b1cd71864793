package io.surge.cloudevents;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;

/**
 * The CloudEvents JSON event format (formats/json-format.md), read with Jackson's streaming parser. JSON
 * {@code data} is kept as the exact bytes the client sent, sliced from the body, so it is never re-serialized.
 */
public final class JsonEventFormat {
  public static final String APPLICATION_JSON = "application/json";

  private final JsonFactory factory;
  private final int maxEvents;

  public JsonEventFormat(int maxDepth, int maxEvents) {
    this.factory = JsonFactory.builder()
        // numbers in data are never converted, so their length is bounded by the body alone; an attribute's
        // integer is checked by its length before conversion (readAttribute)
        .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(maxDepth)
            .maxNumberLength(Integer.MAX_VALUE).build())
        .build();
    this.maxEvents = maxEvents;
  }

  /** One structured event ({@code application/cloudevents+json}). */
  public EventDraft readEvent(byte[] json) {
    return read(json, Shape.EVENT).get(0);
  }

  /** A batch ({@code application/cloudevents-batch+json}): a JSON array of structured events, maybe empty. */
  public List<EventDraft> readBatch(byte[] json) {
    return read(json, Shape.BATCH);
  }

  /** Plain {@code application/json}: one structured event or an array of them. */
  public List<EventDraft> readEventOrBatch(byte[] json) {
    return read(json, Shape.EITHER);
  }

  private enum Shape { EVENT, BATCH, EITHER }

  private List<EventDraft> read(byte[] json, Shape shape) {
    // Jackson reads overlong forms (C0 AF as '/') and encoded surrogates: the body must be checked first, or
    // the stored event would differ from the bytes that were sent
    int invalid = Utf8.firstInvalid(json);
    if (invalid >= 0) {
      throw new MalformedEventsException("the body is not valid UTF-8 (byte " + invalid + ")");
    }
    try (JsonParser p = factory.createParser(json)) {
      JsonToken first = p.nextToken();
      List<EventDraft> drafts;
      if (first == JsonToken.START_OBJECT && shape != Shape.BATCH) {
        drafts = List.of(readObject(p, json));
      } else if (first == JsonToken.START_ARRAY && shape != Shape.EVENT) {
        drafts = readArray(p, json);
      } else {
        throw new MalformedEventsException(shape == Shape.BATCH ? "a batch must be a JSON array of events"
            : shape == Shape.EVENT ? "a structured event must be a JSON object" : "expected a JSON object or array");
      }
      if (p.nextToken() != null) {
        throw new MalformedEventsException("unexpected content after the JSON value");
      }
      return drafts;
    } catch (StreamConstraintsException e) {
      throw new MalformedEventsException("JSON too deeply nested or too large: " + e.getOriginalMessage());
    } catch (JsonProcessingException e) {
      throw new MalformedEventsException("body is not valid JSON (line " + e.getLocation().getLineNr() + ", column "
          + e.getLocation().getColumnNr() + "): " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new MalformedEventsException("body is not valid JSON: " + e.getMessage());
    }
  }

  private List<EventDraft> readArray(JsonParser p, byte[] json) throws IOException {
    List<EventDraft> drafts = new ArrayList<>();
    JsonToken t;
    while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
      if (drafts.size() == maxEvents) {
        throw new TooManyEventsException(maxEvents);
      }
      if (t == JsonToken.START_OBJECT) {
        drafts.add(readObject(p, json));
      } else {
        p.skipChildren();
        drafts.add(new EventDraft().problem("a batch element must be a JSON object, not " + describe(t)));
      }
    }
    return drafts;
  }

  private EventDraft readObject(JsonParser p, byte[] json) throws IOException {
    EventDraft draft = new EventDraft();
    DataMember data = null;
    byte[] base64 = null;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      JsonToken t = p.nextToken();
      if (name.equals("data")) {
        if (data != null) {
          draft.problem("member 'data' appears more than once");
        }
        data = DataMember.read(p, json, t);
      } else if (name.equals("data_base64")) {
        byte[] decoded = readBase64(p, t, draft);
        if (base64 != null && decoded != null) {
          draft.problem("member 'data_base64' appears more than once");
        }
        base64 = base64 == null ? decoded : base64;
      } else {
        readAttribute(p, name, t, draft);
      }
    }
    if (data != null && base64 != null) {
      draft.problem("'data' and 'data_base64' must not both be present");
    } else if (base64 != null) {
      draft.data(base64);
    } else if (data != null) {
      Object contentType = draft.attribute("datacontenttype");
      if (contentType == null) {
        // json-format 3.1: absent datacontenttype means application/json; we record it so bindings keep it.
        draft.attribute("datacontenttype", APPLICATION_JSON);
        draft.data(data.raw(json));
      } else {
        // json-format 3.1: a JSON string under a non-JSON content type is the payload text itself.
        boolean isJson = contentType instanceof String s && MediaType.isJson(MediaType.essence(s));
        draft.data(isJson || data.text == null ? data.raw(json) : data.text.getBytes(StandardCharsets.UTF_8));
      }
    }
    return draft;
  }

  private static void readAttribute(JsonParser p, String name, JsonToken t, EventDraft draft) throws IOException {
    switch (t) {
      case VALUE_STRING -> draft.attribute(name, p.getText());
      case VALUE_TRUE, VALUE_FALSE -> draft.attribute(name, t == JsonToken.VALUE_TRUE);
      case VALUE_NUMBER_INT -> {
        if (p.getTextLength() <= 11 && p.getNumberType() == JsonParser.NumberType.INT) {
          draft.attribute(name, p.getIntValue());
        } else {
          draft.problem("attribute '" + name + "' is outside the 32-bit Integer range");
        }
      }
      case VALUE_NULL -> { } // null means absent
      default -> {
        p.skipChildren();
        draft.problem("attribute '" + name + "' must be a string, integer or boolean, not " + describe(t));
      }
    }
  }

  private static byte[] readBase64(JsonParser p, JsonToken t, EventDraft draft) throws IOException {
    if (t == JsonToken.VALUE_NULL) {
      return null;
    }
    if (t != JsonToken.VALUE_STRING) {
      p.skipChildren();
      draft.problem("'data_base64' must be a string");
      return null;
    }
    try {
      return Base64.getDecoder().decode(p.getText());
    } catch (IllegalArgumentException e) {
      draft.problem("'data_base64' is not valid Base64 (RFC 4648)");
      return null;
    }
  }

  private static String describe(JsonToken t) {
    return switch (t) {
      case START_OBJECT -> "an object";
      case START_ARRAY -> "an array";
      case VALUE_NUMBER_FLOAT -> "a fractional number";
      case VALUE_NULL -> "null";
      case VALUE_STRING -> "a string";
      case VALUE_NUMBER_INT -> "a number";
      default -> "a boolean";
    };
  }

  /** Where the {@code data} value lies in the body; its text too when it is a JSON string. */
  private record DataMember(int start, int end, String text) {
    /** A JSON null is kept: json-format 3.1 makes it an explicit null payload, unlike an absent member. */
    static DataMember read(JsonParser p, byte[] json, JsonToken t) throws IOException {
      int start = (int) p.currentTokenLocation().getByteOffset();
      String text = null;
      if (t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY) {
        p.skipChildren();
      } else if (t == JsonToken.VALUE_STRING) {
        text = p.getText(); // completes the token, so the location below is past its closing quote
      } else {
        p.getText();
      }
      int end = (int) p.currentLocation().getByteOffset();
      return new DataMember(start, end, text);
    }

    byte[] raw(byte[] json) {
      return Arrays.copyOfRange(json, start, end);
    }
  }
}
