package dev.netsvc.launcher.plugins;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The direct superclass and interfaces named by a class file (JVMS 4.1), read without loading the
 * class: the constant pool is walked only to find the class names.
 */
final class ClassFileSupertypes {

    private ClassFileSupertypes() {
    }

    /** Internal names (a/b/C) of the superclass (if any) and the interfaces; empty for a damaged file. */
    static List<String> of(byte[] classFile) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(classFile))) {
            if (in.readInt() != 0xCAFEBABE) {
                return List.of();
            }
            in.readUnsignedShort(); // minor
            in.readUnsignedShort(); // major
            int count = in.readUnsignedShort();
            String[] utf8 = new String[count];
            int[] classNameIndex = new int[count];
            for (int i = 1; i < count; i++) {
                int tag = in.readUnsignedByte();
                switch (tag) {
                    case 1 -> utf8[i] = in.readUTF();
                    case 7 -> classNameIndex[i] = in.readUnsignedShort();
                    case 8, 16, 19, 20 -> in.readUnsignedShort();
                    case 15 -> {
                        in.readUnsignedByte();
                        in.readUnsignedShort();
                    }
                    case 3, 4, 9, 10, 11, 12, 17, 18 -> in.readInt();
                    case 5, 6 -> {
                        in.readLong();
                        i++; // takes two slots
                    }
                    default -> {
                        return List.of();
                    }
                }
            }
            in.readUnsignedShort(); // access flags
            in.readUnsignedShort(); // this class
            List<String> names = new ArrayList<>();
            int superClass = in.readUnsignedShort();
            if (superClass != 0) {
                names.add(utf8[classNameIndex[superClass]]);
            }
            int interfaces = in.readUnsignedShort();
            for (int i = 0; i < interfaces; i++) {
                names.add(utf8[classNameIndex[in.readUnsignedShort()]]);
            }
            names.removeIf(java.util.Objects::isNull);
            return names;
        } catch (IOException | RuntimeException e) {
            return List.of();
        }
    }
}
