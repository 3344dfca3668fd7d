package org.bollwerk.e2ee;

import org.bollwerk.account.AccountEvents;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Removes key material of devices and accounts that go away, inside the transaction that removes them,
 * and tells everyone tracking the user that the device list changed.
 */
@Component
class AccountListener {
    private final KeyStore keys;
    private final CrossSigningStore crossSigning;
    private final ToDeviceStore toDevice;
    private final KeyBackupStore backups;
    private final DeviceLists deviceLists;

    AccountListener(KeyStore keys, CrossSigningStore crossSigning, ToDeviceStore toDevice, KeyBackupStore backups,
                    DeviceLists deviceLists) {
        this.keys = keys;
        this.crossSigning = crossSigning;
        this.toDevice = toDevice;
        this.backups = backups;
        this.deviceLists = deviceLists;
    }

    @EventListener
    void deviceDeleted(AccountEvents.DeviceDeleted event) {
        keys.deleteDevice(event.userId(), event.deviceId());
        toDevice.deleteDevice(event.userId(), event.deviceId());
        deviceLists.changed(event.userId());
    }

    @EventListener
    void deactivated(AccountEvents.AccountDeactivated event) {
        keys.deleteUser(event.userId());
        crossSigning.deleteUser(event.userId());
        toDevice.deleteUser(event.userId());
        backups.deleteUser(event.userId());
        deviceLists.changed(event.userId());
    }
}
