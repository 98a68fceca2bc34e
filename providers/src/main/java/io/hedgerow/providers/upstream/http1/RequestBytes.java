package io.hedgerow.providers.upstream.http1;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.apache.pekko.http.javadsl.model.HttpEntity;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.Uri;

/** Renders a request with a strict body as HTTP/1.1 bytes: request line, Host, the request's headers, the body. */
final class RequestBytes {
  private RequestBytes() {}

  static Origin originOf(HttpRequest request) {
    Uri uri = request.getUri();
    String scheme = uri.getScheme();
    boolean tls = "https".equalsIgnoreCase(scheme);
    if (!tls && !"http".equalsIgnoreCase(scheme)) {
      throw new IllegalArgumentException("Not an http(s) URL: scheme " + scheme);
    }
    int port = uri.getPort() > 0 ? uri.getPort() : tls ? 443 : 80;
    return new Origin(tls, uri.getHost().address(), port);
  }

  static ByteBuffer render(HttpRequest request, Origin origin) {
    if (!(request.entity() instanceof HttpEntity.Strict strict)) {
      throw new IllegalArgumentException("The upstream client sends only strict bodies");
    }
    Uri uri = request.getUri();
    StringBuilder head = new StringBuilder(256);
    head.append(request.method().value()).append(' ').append(uri.path().isEmpty() ? "/" : uri.path());
    uri.rawQueryString().ifPresent(q -> head.append('?').append(q));
    head.append(" HTTP/1.1\r\nHost: ").append(origin.authority()).append("\r\n");
    boolean userAgent = false;
    for (HttpHeader header : request.getHeaders()) {
      userAgent |= header.is("user-agent");
      String value = header.value();
      if (value.indexOf('\r') >= 0 || value.indexOf('\n') >= 0) {
        throw new IllegalArgumentException("Header " + header.name() + " has a line break in its value");
      }
      head.append(header.name()).append(": ").append(value).append("\r\n");
    }
    if (!userAgent) head.append("User-Agent: hedgerow\r\n");
    int length = strict.getData().length();
    if (length > 0 || !request.method().value().equals("GET")) {
      head.append("Content-Type: ").append(strict.getContentType()).append("\r\n");
      head.append("Content-Length: ").append(length).append("\r\n");
    }
    head.append("\r\n");
    byte[] headBytes = head.toString().getBytes(StandardCharsets.UTF_8);
    ByteBuffer bytes = ByteBuffer.allocate(headBytes.length + length);
    bytes.put(headBytes);
    strict.getData().copyToBuffer(bytes);
    return bytes.flip();
  }
}
