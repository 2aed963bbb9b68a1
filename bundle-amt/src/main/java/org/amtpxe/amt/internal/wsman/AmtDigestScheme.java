package org.amtpxe.amt.internal.wsman;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.hc.client5.http.auth.AuthChallenge;
import org.apache.hc.client5.http.auth.AuthSchemeFactory;
import org.apache.hc.client5.http.auth.MalformedChallengeException;
import org.apache.hc.client5.http.impl.auth.DigestScheme;
import org.apache.hc.core5.http.NameValuePair;
import org.apache.hc.core5.http.message.BasicNameValuePair;
import org.apache.hc.core5.http.protocol.HttpContext;

/**
 * HttpClient's Digest scheme, answering {@code qop="auth-int, auth"} with {@code auth}.
 *
 * <p>NOTE: newer AMT firmware offers {@code qop="auth-int, auth"} (docs/amt-wsman.md#digest);
 * HttpClient's {@link DigestScheme} picks auth-int whenever the request has a body, which AMT does
 * not expect. The challenge is narrowed to {@code auth} before the scheme sees it; the digest
 * itself is HttpClient's.
 */
final class AmtDigestScheme extends DigestScheme {
  private static final long serialVersionUID = 1L;

  /** Creates the scheme for HttpClient's auth scheme registry. */
  static final AuthSchemeFactory FACTORY = context -> new AmtDigestScheme();

  @Override
  public void processChallenge(AuthChallenge challenge, HttpContext context)
      throws MalformedChallengeException {
    super.processChallenge(preferAuth(challenge), context);
  }

  /** The challenge with {@code qop} reduced to {@code auth} when {@code auth} is offered. */
  static AuthChallenge preferAuth(AuthChallenge challenge) {
    if (challenge == null || challenge.getParams() == null) {
      return challenge;
    }
    List<NameValuePair> params = new ArrayList<>(challenge.getParams().size());
    boolean changed = false;
    for (NameValuePair param : challenge.getParams()) {
      if ("qop".equalsIgnoreCase(param.getName()) && offersAuth(param.getValue())) {
        params.add(new BasicNameValuePair(param.getName(), "auth"));
        changed = true;
      } else {
        params.add(param);
      }
    }
    return changed
        ? new AuthChallenge(
            challenge.getChallengeType(), challenge.getSchemeName(), challenge.getValue(), params)
        : challenge;
  }

  private static boolean offersAuth(String qopList) {
    if (qopList == null) {
      return false;
    }
    for (String option : qopList.split(",")) {
      if (option.trim().toLowerCase(Locale.ROOT).equals("auth")) {
        return true;
      }
    }
    return false;
  }
}
