package io.surge.http;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.contract.Operation;
import io.vertx.openapi.contract.Parameter;
import io.vertx.openapi.contract.Response;
import io.vertx.openapi.validation.RequestParameter;
import io.vertx.openapi.validation.RequestValidator;
import io.vertx.openapi.validation.ResponseValidator;
import io.vertx.openapi.validation.ValidatableResponse;
import io.vertx.openapi.validation.impl.RequestParameterImpl;
import io.vertx.openapi.validation.impl.ValidatableRequestImpl;
import io.vertx.json.schema.common.dsl.SchemaType;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checks real requests and answers against the served contract with vertx-openapi, and remembers which operations
 * it checked. vertx-openapi 5.0 has three limits that the contract must not bend to, so the validator is handed a
 * view of it that means the same: it reads only JSON, {@code vnd.*+json}, text and octet-stream bodies (so
 * {@code application/problem+json} becomes {@code application/vnd.problem+json} and binary mode's any-type
 * {@code *}{@code /*} becomes octet-stream); it looks response headers up by their lower-cased names; and it reads
 * a header or parameter value as JSON first (so a string value is handed over as a JSON string: {@code Bearer
 * realm="surge"} could not be read otherwise).
 */
final class ContractValidator {
  private static final Pattern STRUCTURED_SUFFIX = Pattern.compile("^([^/]+)/([\\w.-]+)\\+json$");
  private static final String ANY_TYPE = "application/octet-stream";

  private final OpenAPIContract contract;
  private final RequestValidator requests;
  private final ResponseValidator responses;
  private final Set<String> checked = new HashSet<>();

  private ContractValidator(OpenAPIContract contract, Vertx vertx) {
    this.contract = contract;
    this.requests = RequestValidator.create(vertx, contract);
    this.responses = ResponseValidator.create(vertx, contract);
  }

  /** Fails when the document is no valid OpenAPI 3.1 contract. */
  static ContractValidator of(Vertx vertx, JsonObject document) {
    return new ContractValidator(OpenAPIContract.from(vertx, view(document)).await(), vertx);
  }

  /** Every operation of the contract, by id. */
  Set<String> operationIds() {
    Set<String> ids = new HashSet<>();
    contract.operations().forEach(o -> ids.add(o.getOperationId()));
    return ids;
  }

  /** Operations {@link #response} has checked. */
  Set<String> checked() {
    return checked;
  }

  /**
   * Asserts that {@code response} is an answer the contract gives {@code operationId}: a documented status, its
   * documented headers (required ones present) and its body by media type and schema.
   */
  HttpResponse<Buffer> response(String operationId, HttpResponse<Buffer> response) {
    Operation operation = contract.operation(operationId);
    if (operation == null) {
      throw new AssertionError("no operation " + operationId + " in the contract");
    }
    Response documented = operation.getResponse(response.statusCode());
    Map<String, String> headers = new HashMap<>();
    if (documented != null) {
      for (Parameter header : documented.getHeaders()) {
        String value = response.getHeader(header.getName());
        if (value != null) {
          headers.put(header.getName(), asValue(header, value));
        }
      }
    }
    Buffer body = response.body();
    String contentType = response.getHeader("Content-Type");
    ValidatableResponse validatable = body == null || body.length() == 0
        ? ValidatableResponse.create(response.statusCode(), headers)
        : ValidatableResponse.create(response.statusCode(), headers, body, viewType(essence(contentType)));
    try {
      responses.validate(validatable, operationId).await();
    } catch (Exception e) {
      throw new AssertionError(operationId + " answered " + response.statusCode() + " (" + contentType + ") against "
          + "the contract: " + e.getMessage() + "\nbody: " + (body == null ? "" : body.toString()), e);
    }
    checked.add(operationId);
    return response;
  }

  /**
   * Validates a request as the client sends it: {@code path} its path parameters, {@code query} its query
   * parameters, its headers, body and Content-Type. Throws when the contract would refuse it.
   */
  void request(String operationId, Map<String, String> path, Map<String, String> query, Map<String, String> headers,
               Buffer body) {
    Operation operation = contract.operation(operationId);
    Map<String, RequestParameter> pathParameters = new HashMap<>();
    Map<String, RequestParameter> queryParameters = new HashMap<>();
    Map<String, RequestParameter> headerParameters = new HashMap<>();
    for (Parameter p : operation.getParameters()) {
      Map<String, String> given = switch (p.getIn()) {
        case PATH -> path;
        case QUERY -> query;
        case HEADER -> headers;
        default -> Map.of();
      };
      String value = given.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(p.getName()))
          .map(Map.Entry::getValue).findFirst().orElse(null);
      if (value != null) {
        Map<String, RequestParameter> target = switch (p.getIn()) {
          case PATH -> pathParameters;
          case QUERY -> queryParameters;
          default -> headerParameters;
        };
        target.put(p.getName(), new RequestParameterImpl(asValue(p, value)));
      }
    }
    String contentType = headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase("Content-Type"))
        .map(Map.Entry::getValue).findFirst().orElse(null);
    String viewType = contentType == null ? null : viewType(essence(contentType));
    if (viewType != null && !viewType.endsWith("json")) {
      viewType = ANY_TYPE;
    }
    // 5.0 builds a ValidatableRequest only from a server's request; the client side needs the impl's constructor
    requests.validate(new ValidatableRequestImpl(Map.of(), headerParameters, pathParameters, queryParameters,
        new RequestParameterImpl(body), viewType), operationId).await();
  }

  /** Sends {@code request} after checking it against {@code operationId}; the answer is checked too. */
  HttpResponse<Buffer> exchange(String operationId, HttpRequest<Buffer> request, Map<String, String> path,
                                Buffer body) {
    Map<String, String> query = new HashMap<>();
    request.queryParams().forEach(e -> query.put(e.getKey(), e.getValue()));
    Map<String, String> headers = new HashMap<>();
    request.headers().forEach(e -> headers.put(e.getKey(), e.getValue()));
    request(operationId, path, query, headers, body);
    return response(operationId, body == null ? request.send().await() : request.sendBuffer(body).await());
  }

  private static String asValue(Parameter parameter, String raw) {
    return parameter.getSchemaType() == SchemaType.STRING ? Json.encode(raw) : raw;
  }

  private static String essence(String contentType) {
    if (contentType == null) {
      return null;
    }
    int semicolon = contentType.indexOf(';');
    return (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).trim().toLowerCase(Locale.ROOT);
  }

  /** The media type as the validator's view of the contract names it. */
  static String viewType(String mediaType) {
    if (mediaType == null) {
      return null;
    }
    if (mediaType.equals("*/*")) {
      return ANY_TYPE;
    }
    Matcher m = STRUCTURED_SUFFIX.matcher(mediaType);
    return m.matches() && !m.group(2).startsWith("vnd.") ? m.group(1) + "/vnd." + m.group(2) + "+json" : mediaType;
  }

  /** The contract with its media types renamed and its response header names lower-cased, as said above. */
  static JsonObject view(JsonObject document) {
    JsonObject copy = document.copy();
    renameMediaTypes(copy);
    copy.getJsonObject("paths").forEach(path -> ((JsonObject) path.getValue()).forEach(operation -> {
      if (operation.getValue() instanceof JsonObject o && o.containsKey("responses")) {
        o.getJsonObject("responses").forEach(r -> lowerCaseHeaders((JsonObject) r.getValue()));
      }
    }));
    copy.getJsonObject("components").getJsonObject("responses").forEach(r -> lowerCaseHeaders((JsonObject) r.getValue()));
    return copy;
  }

  private static void renameMediaTypes(Object node) {
    if (node instanceof JsonObject o) {
      if (o.getValue("content") instanceof JsonObject content) {
        JsonObject renamed = new JsonObject();
        content.forEach(e -> renamed.put(viewType(e.getKey()), e.getValue()));
        o.put("content", renamed);
      }
      o.forEach(e -> renameMediaTypes(e.getValue()));
    } else if (node instanceof JsonArray a) {
      a.forEach(ContractValidator::renameMediaTypes);
    }
  }

  private static void lowerCaseHeaders(JsonObject response) {
    if (response.getValue("headers") instanceof JsonObject headers) {
      JsonObject lower = new JsonObject();
      headers.forEach(e -> lower.put(e.getKey().toLowerCase(Locale.ROOT), e.getValue()));
      response.put("headers", lower);
    }
  }
}
