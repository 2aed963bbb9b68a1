/**
 * The virtual AMT emulator's library API: start many emulated Intel AMT WS-Management endpoints
 * in-process with {@link org.amtpxe.virtualamt.VirtualAmt#builder()}, configure each with a {@link
 * org.amtpxe.virtualamt.NodeSpec}, and read or drive them through {@link
 * org.amtpxe.virtualamt.VirtualAmtNode}. Machines behind the nodes implement {@link
 * org.amtpxe.virtualamt.MachineBackend}; {@link org.amtpxe.virtualamt.InMemoryMachine} is the one
 * shipped. Everything under {@code internal} may change without notice.
 */
package org.amtpxe.virtualamt;
