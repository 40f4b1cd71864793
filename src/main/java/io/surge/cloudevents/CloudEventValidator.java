package io.surge.cloudevents;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The CloudEvents 1.0 rules (spec.md, "Context Attributes" and "Type System"), in one place for every binding. */
final class CloudEventValidator {
  static final String SPEC_VERSION = "1.0";
  static final Set<String> CORE = Set.of("id", "source", "specversion", "type", "datacontenttype", "dataschema",
      "subject", "time");
  /** Spec: names SHOULD be at most 20 characters; more than this is a mistake, not a name. */
  static final int MAX_NAME_LENGTH = 64;
  /** Names the JSON format and the bindings use for the payload; never attributes. */
  private static final Set<String> RESERVED = Set.of("data", "data_base64");

  private CloudEventValidator() {}

  static CloudEvent validate(EventDraft draft, EventLimits limits) {
    List<String> reasons = new ArrayList<>(draft.problems);
    Map<String, Object> attrs = draft.attributes;
    Map<String, Object> extensions = new LinkedHashMap<>();
    for (Map.Entry<String, Object> e : attrs.entrySet()) {
      String name = e.getKey();
      if (RESERVED.contains(name)) {
        reasons.add("'" + name + "' is reserved and cannot be an attribute name");
      } else if (!isValidName(name)) {
        reasons.add("attribute name '" + abbreviate(name) + "' must be lowercase ASCII letters or digits");
      } else if (name.length() > MAX_NAME_LENGTH) {
        reasons.add("attribute name '" + abbreviate(name) + "' is longer than " + MAX_NAME_LENGTH + " characters");
      } else if (e.getValue() instanceof String s && !CloudEventString.isValid(s)) {
        reasons.add("attribute '" + name + "' contains a control character, surrogate or noncharacter");
      } else if (e.getValue() instanceof String s && s.length() * 3L > limits.bytesFor(name)
          && Utf8.length(s) > limits.bytesFor(name)) { // a char is at most 3 bytes: most strings need no count
        reasons.add("attribute '" + name + "' is " + Utf8.length(s) + " bytes (UTF-8); at most "
            + limits.bytesFor(name) + " are accepted");
      } else if (!CORE.contains(name)) {
        extensions.put(name, e.getValue());
      }
    }
    if (extensions.size() > limits.extensions()) {
      reasons.add(extensions.size() + " extension attributes; at most " + limits.extensions() + " are accepted");
    }
    String specversion = required(attrs, "specversion", reasons);
    if (specversion != null && !SPEC_VERSION.equals(specversion)) {
      reasons.add("specversion '" + specversion + "' is not supported; only 1.0 is");
    }
    String id = required(attrs, "id", reasons);
    String source = required(attrs, "source", reasons);
    if (source != null && !isUriReference(source)) {
      reasons.add("source must be a URI-reference (RFC 3986)");
    }
    String type = required(attrs, "type", reasons);
    String datacontenttype = optional(attrs, "datacontenttype", reasons);
    if (datacontenttype != null && !MediaType.isValid(datacontenttype)) {
      reasons.add("datacontenttype '" + datacontenttype + "' is not a media type (RFC 2046)");
    }
    String dataschema = optional(attrs, "dataschema", reasons);
    if (dataschema != null && !isAbsoluteUri(dataschema)) {
      reasons.add("dataschema must be an absolute URI (RFC 3986)");
    }
    String subject = optional(attrs, "subject", reasons);
    String time = optional(attrs, "time", reasons);
    if (time != null && !Rfc3339.isValid(time)) {
      reasons.add("time '" + time + "' is not an RFC 3339 timestamp");
    }
    if (!reasons.isEmpty()) {
      throw new InvalidEventException(reasons);
    }
    return new CloudEvent(id, source, specversion, type, datacontenttype, dataschema, subject, time,
        extensions.isEmpty() ? Map.of() : extensions, draft.data);
  }

  private static String abbreviate(String s) {
    return s.length() <= MAX_NAME_LENGTH ? s : s.substring(0, MAX_NAME_LENGTH) + "...";
  }

  private static String required(Map<String, Object> attrs, String name, List<String> reasons) {
    Object value = attrs.get(name);
    if (value == null) {
      reasons.add("required attribute '" + name + "' is missing");
      return null;
    }
    return nonEmptyString(name, value, reasons);
  }

  private static String optional(Map<String, Object> attrs, String name, List<String> reasons) {
    Object value = attrs.get(name);
    return value == null ? null : nonEmptyString(name, value, reasons);
  }

  private static String nonEmptyString(String name, Object value, List<String> reasons) {
    if (!(value instanceof String s)) {
      reasons.add("attribute '" + name + "' must be a string");
      return null;
    }
    if (s.isEmpty()) {
      reasons.add("attribute '" + name + "' must be a non-empty string");
      return null;
    }
    return s;
  }

  static boolean isValidName(String name) {
    if (name.isEmpty()) {
      return false;
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (!(c >= 'a' && c <= 'z' || c >= '0' && c <= '9')) {
        return false;
      }
    }
    return true;
  }

  private static boolean isUriReference(String s) {
    try {
      new URI(s);
      return isAscii(s);
    } catch (URISyntaxException e) {
      return false;
    }
  }

  /** RFC 3986 section 4.3 absolute-URI: a scheme and no fragment. */
  private static boolean isAbsoluteUri(String s) {
    try {
      URI uri = new URI(s);
      return uri.isAbsolute() && uri.getRawFragment() == null && isAscii(s);
    } catch (URISyntaxException e) {
      return false;
    }
  }

  /** java.net.URI also takes non-ASCII letters (IRIs, RFC 3987); RFC 3986 needs them percent-encoded. */
  private static boolean isAscii(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) >= 0x80) {
        return false;
      }
    }
    return true;
  }
}
