package org.amtpxe.pxe.internal.shell;

import org.amtpxe.pxe.internal.NetbootService;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/** {@code pxe:status}: where the TFTP and HTTP servers serve, or why they do not. */
@Command(scope = "pxe", name = "status", description = "Shows the network boot servers' state.")
@Service
public class StatusCommand implements Action {

  @Reference NetbootService netboot;

  @Override
  public Object execute() {
    return netboot.status();
  }
}
