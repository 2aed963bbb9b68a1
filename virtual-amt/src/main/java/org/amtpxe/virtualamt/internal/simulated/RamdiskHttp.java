package org.amtpxe.virtualamt.internal.simulated;

import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.classic.methods.HttpPost;
import org.apache.hc.client5.http.classic.methods.HttpUriRequestBase;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.impl.DefaultSchemePortResolver;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.client5.http.impl.routing.DefaultRoutePlanner;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.apache.hc.core5.http.io.entity.StringEntity;
import org.apache.hc.core5.http.protocol.HttpContext;
import org.apache.hc.core5.util.Timeout;

/**
 * The simulated deploy ramdisk's requests to the conductor, sent from the machine's own address as
 * a real ramdisk's are: the conductor accepts the callback only from the address of the lookup, and
 * sends "done" to it.
 */
final class RamdiskHttp implements AutoCloseable {
  /** A reply: its status and body text. */
  record Reply(int status, String body) {}

  private static final int MAX_BODY = 64 * 1024;

  private final CloseableHttpClient client;

  RamdiskHttp(InetAddress local, Duration timeout) {
    Timeout t = Timeout.of(timeout);
    this.client =
        HttpClients.custom()
            .setConnectionManager(
                PoolingHttpClientConnectionManagerBuilder.create()
                    .setDefaultConnectionConfig(
                        ConnectionConfig.custom().setConnectTimeout(t).setSocketTimeout(t).build())
                    .build())
            .setRoutePlanner(
                new DefaultRoutePlanner(DefaultSchemePortResolver.INSTANCE) {
                  @Override
                  protected InetAddress determineLocalAddress(
                      HttpHost firstHop, HttpContext context) {
                    return local;
                  }
                })
            .disableAutomaticRetries()
            .disableRedirectHandling()
            .build();
  }

  Reply get(URI uri, Map<String, String> headers) throws IOException {
    return execute(new HttpGet(uri), headers);
  }

  Reply postJson(URI uri, String json, Map<String, String> headers) throws IOException {
    HttpPost post = new HttpPost(uri);
    post.setEntity(new StringEntity(json, ContentType.APPLICATION_JSON));
    return execute(post, headers);
  }

  private Reply execute(HttpUriRequestBase request, Map<String, String> headers)
      throws IOException {
    headers.forEach(request::addHeader);
    return client.execute(
        request,
        response ->
            new Reply(
                response.getCode(),
                response.getEntity() == null
                    ? ""
                    : EntityUtils.toString(
                        response.getEntity(), StandardCharsets.UTF_8, MAX_BODY)));
  }

  @Override
  public void close() throws IOException {
    client.close();
  }
}
