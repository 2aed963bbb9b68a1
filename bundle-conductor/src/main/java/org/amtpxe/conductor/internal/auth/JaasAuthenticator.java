package org.amtpxe.conductor.internal.auth;

import java.security.Principal;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import javax.security.auth.Subject;
import javax.security.auth.callback.NameCallback;
import javax.security.auth.callback.PasswordCallback;
import javax.security.auth.callback.UnsupportedCallbackException;
import javax.security.auth.login.Configuration;
import javax.security.auth.login.LoginContext;
import javax.security.auth.login.LoginException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Authenticates through a JAAS realm, as Karaf's own console does: the conductor's {@code amtpxe}
 * realm by default, or any realm an operator configured in Karaf (its properties file, JDBC, LDAP).
 * The caller's roles are the realm's role principals named admin, member or reader (Karaf's {@code
 * RolePrincipal}, recognised by its class name so that any module's role principal counts).
 */
public final class JaasAuthenticator implements Authenticator {
  private static final Logger LOG = LoggerFactory.getLogger(JaasAuthenticator.class);

  private final String realm;
  private final Configuration configuration;

  /**
   * @param realm the JAAS realm (application name)
   * @param configuration where the realm is defined, or null for the JVM's (in Karaf: every realm
   *     registered with Karaf's JAAS)
   */
  public JaasAuthenticator(String realm, Configuration configuration) {
    this.realm = realm;
    this.configuration = configuration;
  }

  /** The realm's name. */
  public String realm() {
    return realm;
  }

  @Override
  public Optional<Caller> authenticate(String user, char[] password) {
    // NOTE: LoginContext loads the login modules of an explicit configuration through the thread's
    // context class loader; in OSGi that is whatever the calling thread (Jetty's) has, so this
    // bundle's loader is set for the login. Karaf's realms need nothing: their proxy module is
    // boot-delegated.
    Thread thread = Thread.currentThread();
    ClassLoader previous = thread.getContextClassLoader();
    if (configuration != null) {
      thread.setContextClassLoader(JaasAuthenticator.class.getClassLoader());
    }
    try {
      return login(user, password);
    } finally {
      thread.setContextClassLoader(previous);
    }
  }

  private Optional<Caller> login(String user, char[] password) {
    Subject subject = new Subject();
    LoginContext context;
    try {
      javax.security.auth.callback.CallbackHandler handler =
          callbacks -> {
            for (javax.security.auth.callback.Callback c : callbacks) {
              if (c instanceof NameCallback n) {
                n.setName(user);
              } else if (c instanceof PasswordCallback p) {
                p.setPassword(password);
              } else {
                throw new UnsupportedCallbackException(c);
              }
            }
          };
      context =
          configuration == null
              ? new LoginContext(realm, subject, handler)
              : new LoginContext(realm, subject, handler, configuration);
    } catch (LoginException | SecurityException e) {
      LOG.warn("JAAS realm {} cannot be used: {}", realm, e.getMessage());
      return Optional.empty();
    }
    try {
      context.login();
    } catch (LoginException e) {
      LOG.debug("Login of {} in realm {} failed: {}", user, realm, e.getMessage());
      return Optional.empty();
    } finally {
      java.util.Arrays.fill(password, '\0');
    }
    Set<Role> roles = EnumSet.noneOf(Role.class);
    for (Principal p : subject.getPrincipals()) {
      if (p.getClass().getSimpleName().equals("RolePrincipal")) {
        Role.of(p.getName()).ifPresent(roles::add);
      }
    }
    try {
      context.logout();
    } catch (LoginException e) {
      LOG.debug("Logout of {} from realm {}: {}", user, realm, e.getMessage());
    }
    return Optional.of(new Caller(user, roles));
  }
}
