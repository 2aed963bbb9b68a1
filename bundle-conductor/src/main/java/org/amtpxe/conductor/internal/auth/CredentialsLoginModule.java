package org.amtpxe.conductor.internal.auth;

import java.io.IOException;
import java.nio.file.Path;
import java.security.Principal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import javax.security.auth.Subject;
import javax.security.auth.callback.Callback;
import javax.security.auth.callback.CallbackHandler;
import javax.security.auth.callback.NameCallback;
import javax.security.auth.callback.PasswordCallback;
import javax.security.auth.callback.UnsupportedCallbackException;
import javax.security.auth.login.FailedLoginException;
import javax.security.auth.login.LoginException;
import javax.security.auth.spi.LoginModule;
import org.apache.karaf.jaas.boot.principal.RolePrincipal;
import org.apache.karaf.jaas.boot.principal.UserPrincipal;

/**
 * A JAAS login module over a {@link CredentialsFile} (option {@value #FILE}): what the conductor's
 * realm {@code amtpxe} runs. A successful login adds Karaf's {@link UserPrincipal} and a {@link
 * RolePrincipal} per role, as Karaf's own modules (properties, JDBC, LDAP) do, so any of them can
 * take its place.
 */
public final class CredentialsLoginModule implements LoginModule {
  /** The option naming the credentials file. */
  public static final String FILE = "file";

  // One loaded file per path, shared by every login (the module is instantiated per login).
  private static final Map<Path, CredentialsFile> FILES = new ConcurrentHashMap<>();

  private Subject subject;
  private CallbackHandler handler;
  private CredentialsFile file;
  private Caller caller;
  private final List<Principal> added = new ArrayList<>();

  @Override
  public void initialize(
      Subject subject,
      CallbackHandler callbackHandler,
      Map<String, ?> sharedState,
      Map<String, ?> options) {
    this.subject = subject;
    this.handler = callbackHandler;
    Object path = options.get(FILE);
    this.file = path == null ? null : FILES.computeIfAbsent(Path.of(path.toString()), this::open);
  }

  private CredentialsFile open(Path path) {
    CredentialsFile f = new CredentialsFile(path);
    try {
      f.load();
    } catch (IOException e) {
      // Reloaded at the next login; until then nobody logs in.
    }
    return f;
  }

  @Override
  public boolean login() throws LoginException {
    if (file == null) {
      throw new LoginException("The amtpxe login module needs the option " + FILE);
    }
    NameCallback name = new NameCallback("user: ");
    PasswordCallback password = new PasswordCallback("password: ", false);
    try {
      handler.handle(new Callback[] {name, password});
    } catch (IOException | UnsupportedCallbackException e) {
      throw new LoginException("Cannot read the credentials: " + e.getMessage());
    }
    char[] secret = password.getPassword();
    password.clearPassword();
    Optional<Caller> found =
        secret == null ? Optional.empty() : file.authenticate(name.getName(), secret);
    if (found.isEmpty()) {
      throw new FailedLoginException("Wrong user name or password");
    }
    caller = found.get();
    return true;
  }

  @Override
  public boolean commit() {
    if (caller == null) {
      return false;
    }
    added.add(new UserPrincipal(caller.user()));
    caller.roles().forEach(r -> added.add(new RolePrincipal(r.value())));
    subject.getPrincipals().addAll(added);
    return true;
  }

  @Override
  public boolean abort() {
    caller = null;
    return true;
  }

  @Override
  public boolean logout() {
    subject.getPrincipals().removeAll(added);
    added.clear();
    caller = null;
    return true;
  }
}
