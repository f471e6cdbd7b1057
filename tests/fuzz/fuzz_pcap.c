/* The pcap reader on any file contents, each record decoded. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "capture/packet.h"
#include "capture/pcap.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0)
		return 0;
	FILE *fp = fmemopen((void *)data, size, "rb");
	if (!fp)
		return 0;
	struct pcap_reader r;
	struct pcap_record rec;
	if (pcap_reader_open(&r, fp) == PCAP_OK) {
		for (int i = 0; i < 1000 && pcap_read(&r, &rec) == PCAP_OK; i++) {
			struct pkt p;
			p.wire_len = rec.wirelen;
			packet_decode(rec.data, rec.caplen, r.link, &p);
		}
	}
	pcap_reader_close(&r);
	fclose(fp);
	return 0;
}
