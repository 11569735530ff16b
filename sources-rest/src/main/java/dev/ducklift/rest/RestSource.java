package dev.ducklift.rest;

import dev.ducklift.core.DuckliftException;
import dev.ducklift.core.Resource;
import dev.ducklift.core.ResourceSpec;
import dev.ducklift.core.Secret;
import dev.ducklift.core.SecretMask;
import dev.ducklift.core.Source;
import dev.ducklift.rest.internal.JsonPath;
import dev.ducklift.rest.internal.Redactor;
import dev.ducklift.rest.internal.ResourcePlan;
import dev.ducklift.rest.internal.RestResource;
import dev.ducklift.rest.internal.Templates;
import dev.ducklift.rest.internal.Transport;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A declarative REST API source: a client, resource defaults and resources, built with {@link
 * #builder(String)} or from YAML/JSON by the {@code rest_api} source factory (both build equal
 * declarations).
 *
 * <p>One HTTP client (connection pool, rate limiter, auth token cache) is shared by all resources
 * of the source; {@link #close()} releases it. A child resource (one whose endpoint refers to
 * {@code {resources.<parent>.<field>}}) fetches its parent's pages itself and runs one request
 * sequence per parent record, up to {@link RestClientConfig#maxConcurrency()} at once, keeping its
 * incremental state per parent key. Parents must be top-level resources.
 */
public final class RestSource implements Source {
  private final String name;
  private final RestClientConfig client;
  private final RestResourceConfig resourceDefaults;
  private final List<RestResourceConfig> resourceConfigs;
  private final List<Resource> resources;
  private final Transport transport;

  private RestSource(Builder b) {
    this.name = Objects.requireNonNull(b.name, "name");
    this.client = Objects.requireNonNull(b.client, "client");
    this.resourceDefaults = b.resourceDefaults;
    List<RestResourceConfig> merged = new ArrayList<>();
    for (RestResourceConfig r : b.resources) {
      merged.add(r.withDefaults(resourceDefaults));
    }
    this.resourceConfigs = List.copyOf(merged);
    this.transport =
        new Transport(client, redactor(name, client, b.sensitiveQueryParameters), b.listener);
    this.resources = plan(merged, b.listener);
  }

  public static Builder builder(String name) {
    return new Builder(name);
  }

  @Override
  public String name() {
    return name;
  }

  /** The client settings. */
  public RestClientConfig client() {
    return client;
  }

  /** The resource defaults as declared, or {@code null}. */
  public RestResourceConfig resourceDefaults() {
    return resourceDefaults;
  }

  /** The resource declarations with the defaults applied. */
  public List<RestResourceConfig> resourceConfigs() {
    return resourceConfigs;
  }

  @Override
  public List<Resource> resources() {
    return resources;
  }

  /** The resource named {@code name}. */
  public Resource resource(String resourceName) {
    return resources.stream()
        .filter(r -> r.spec().name().equals(resourceName))
        .findFirst()
        .orElseThrow(
            () ->
                new DuckliftException(
                    "Source '" + name + "' has no resource '" + resourceName + "'"));
  }

  @Override
  public void close() {
    transport.close();
  }

  @Override
  public String toString() {
    return "RestSource["
        + name
        + ", "
        + client.baseUrl()
        + ", resources="
        + resourceConfigs.stream().map(RestResourceConfig::name).toList()
        + "]";
  }

  private static Redactor redactor(
      String name, RestClientConfig client, Set<String> extraParameters) {
    Set<String> params = new LinkedHashSet<>(extraParameters);
    List<Secret> secrets = new ArrayList<>();
    if (client.auth() != null) {
      params.addAll(client.auth().sensitiveQueryParameters());
      secrets.addAll(client.auth().secrets());
      for (Secret secret : client.auth().secrets()) {
        SecretMask.warnIfTooShort(
            "Source '"
                + name
                + "': a secret of its "
                + client.auth().getClass().getSimpleName()
                + " authentication",
            secret);
      }
    }
    return new Redactor(params, secrets);
  }

  private List<Resource> plan(List<RestResourceConfig> configs, RestEventListener listener) {
    Map<String, RestResourceConfig> byName = new LinkedHashMap<>();
    for (RestResourceConfig c : configs) {
      if (c.name() == null || c.name().isBlank()) {
        throw new DuckliftException("Source '" + name + "' has a resource without a name");
      }
      if (byName.put(c.name(), c) != null) {
        throw new DuckliftException(
            "Source '" + name + "' declares resource '" + c.name() + "' twice");
      }
    }
    Map<String, ResourcePlan> plans = new LinkedHashMap<>();
    List<Resource> result = new ArrayList<>();
    for (RestResourceConfig c : configs) {
      ResourcePlan plan = planOf(c, byName, plans, 0);
      ResourceSpec.Builder builder =
          ResourceSpec.builder(c.name())
              .tableName(c.tableName())
              .primaryKey(c.primaryKey() == null ? List.of() : c.primaryKey())
              .writeDisposition(c.writeDisposition())
              .incremental(c.incremental())
              .merge(c.merge())
              .partitionBy(c.partitionBy() == null ? List.of() : c.partitionBy())
              .normalization(c.normalization());
      c.columns().values().forEach(builder::column);
      ResourceSpec spec = builder.build();
      result.add(new RestResource(spec, plan, client, transport, listener));
    }
    return List.copyOf(result);
  }

  private ResourcePlan planOf(
      RestResourceConfig c,
      Map<String, RestResourceConfig> byName,
      Map<String, ResourcePlan> plans,
      int depth) {
    ResourcePlan known = plans.get(c.name());
    if (known != null) {
      return known;
    }
    String where = "Resource '" + c.name() + "' of source '" + name + "'";
    Endpoint e = c.endpoint();
    if (e == null || e.path() == null) {
      throw new DuckliftException(where + " has no endpoint path");
    }
    String method = e.method() == null ? "GET" : e.method();
    if (e.json() != null && (method.equals("GET") || method.equals("HEAD"))) {
      throw new DuckliftException(where + " has a JSON body but uses " + method);
    }
    List<String> placeholders = new ArrayList<>(Templates.names(e.path()));
    e.params().values().forEach(v -> placeholders.addAll(Templates.names(v)));
    e.headers().values().forEach(v -> placeholders.addAll(Templates.names(v)));
    placeholders.addAll(Templates.names(e.json()));
    String parentName = null;
    List<String> parentFields = new ArrayList<>();
    for (String placeholder : placeholders) {
      if (placeholder.startsWith("incremental.")) {
        if (!Templates.INCREMENTAL_NAMES.contains(placeholder)) {
          throw new DuckliftException(where + " uses unknown placeholder {" + placeholder + "}");
        }
        if (c.incremental() == null) {
          throw new DuckliftException(
              where + " uses {" + placeholder + "} but declares no incremental cursor");
        }
      } else {
        String rest = placeholder.substring("resources.".length());
        int dot = rest.indexOf('.');
        String parent = rest.substring(0, dot);
        String field = rest.substring(dot + 1);
        if (parentName != null && !parentName.equals(parent)) {
          throw new DuckliftException(
              where + " refers to two parents, '" + parentName + "' and '" + parent + "'");
        }
        parentName = parent;
        if (!parentFields.contains(field)) {
          parentFields.add(field);
        }
      }
    }
    if (!c.includeFromParent().isEmpty() && parentName == null) {
      throw new DuckliftException(
          where + " includes fields from a parent but refers to no {resources.<parent>.<field>}");
    }
    ResourcePlan parentPlan = null;
    if (parentName != null) {
      RestResourceConfig parent = byName.get(parentName);
      if (parent == null) {
        throw new DuckliftException(
            where + " refers to unknown parent resource '" + parentName + "'");
      }
      if (parentName.equals(c.name())) {
        throw new DuckliftException(where + " refers to itself as its parent");
      }
      if (depth > 0) {
        throw new DuckliftException(
            where
                + " is a parent but has parent '"
                + parentName
                + "' itself;"
                + " only top-level resources can be parents");
      }
      parentPlan = planOf(parent, byName, plans, depth + 1);
      if (parentPlan.parent() != null) {
        throw new DuckliftException(
            where
                + " has parent '"
                + parentName
                + "', which is itself a child resource;"
                + " only top-level resources can be parents");
      }
    }
    Paginator paginator =
        e.paginator() != null
            ? e.paginator()
            : client.paginator() != null ? client.paginator() : Paginator.auto();
    ResourcePlan plan =
        new ResourcePlan(
            c.name(),
            e.path(),
            method,
            e.params(),
            e.json(),
            e.headers(),
            e.dataSelector() == null ? null : JsonPath.compile(e.dataSelector()),
            paginator,
            e.responseActions(),
            c.incremental(),
            c.rowOrder(),
            c.includeFromParent(),
            c.processingSteps(),
            parentPlan,
            parentFields);
    plans.put(c.name(), plan);
    return plan;
  }

  /** Builds a {@link RestSource}. Not thread-safe. */
  public static final class Builder {
    private final String name;
    private RestClientConfig client;
    private RestResourceConfig resourceDefaults;
    private final List<RestResourceConfig> resources = new ArrayList<>();
    private RestEventListener listener = RestEventListener.NONE;
    private final Set<String> sensitiveQueryParameters = new LinkedHashSet<>();

    private Builder(String name) {
      this.name = name;
    }

    public Builder client(RestClientConfig client) {
      this.client = client;
      return this;
    }

    public Builder resourceDefaults(RestResourceConfig defaults) {
      this.resourceDefaults = defaults;
      return this;
    }

    public Builder resource(RestResourceConfig resource) {
      this.resources.add(resource);
      return this;
    }

    public Builder listener(RestEventListener listener) {
      this.listener = Objects.requireNonNull(listener, "listener");
      return this;
    }

    /** Query parameters (besides the auth's and the usual token names) never to show in URLs. */
    public Builder sensitiveQueryParameter(String param) {
      this.sensitiveQueryParameters.add(param);
      return this;
    }

    /**
     * Builds the source and its shared HTTP client.
     *
     * @throws DuckliftException naming the resource and the problem for an invalid declaration
     */
    public RestSource build() {
      if (client == null) {
        throw new DuckliftException("Source '" + name + "' has no client");
      }
      return new RestSource(this);
    }
  }
}
