package dev.netsvc.dist;

/** echo-selector in the distribution: the checks every echo service passes ({@link EchoServiceIT}). */
class EchoSelectorIT extends EchoServiceIT {

    @Override
    String serviceId() {
        return "echo-selector";
    }
}
