//! The discovery faults and variants: what a faulty model, or one that orders its entities differently,
//! announces in `discover`.

use cloudstate_protocol::cloudstate::entity_passivation_strategy::Strategy;
use cloudstate_protocol::cloudstate::{EntitySpec, ProxyInfo};
use cloudstate_protocol::names::{PROTOCOL_MAJOR_VERSION, PROTOCOL_MINOR_VERSION};
use prost::Message as _;
use tonic::Status;

use super::Fault;

/// The model file that [`Fault::MissingDescriptorFile`] leaves out.
const LEFT_OUT_FILE: &str = "cloudstate/tck/model/crdt.proto";

/// Applies a discovery fault to the answer of the `call`-th `discover` call (from 0).
pub(crate) fn apply(fault: Fault, spec: &mut EntitySpec, call: u64) {
    match fault {
        Fault::WrongProtocolVersion => {
            if let Some(info) = spec.service_info.as_mut() {
                info.protocol_minor_version = 1;
            }
        }
        Fault::AnonymousSupportLibrary => {
            if let Some(info) = spec.service_info.as_mut() {
                info.support_library_name.clear();
                info.support_library_version.clear();
            }
        }
        Fault::UnqualifiedEntityType => {
            for entity in &mut spec.entities {
                entity.entity_type = simple_name(&entity.entity_type).to_owned();
            }
        }
        Fault::MissingDescriptorFile => spec.proto = without_file(&spec.proto, LEFT_OUT_FILE),
        Fault::ReorderedDiscovery if call % 2 == 1 => spec.entities.reverse(),
        Fault::UnstableDiscovery if call % 2 == 1 => {
            spec.entities.pop();
        }
        Fault::WrongPersistenceId => {
            for entity in &mut spec.entities {
                entity.persistence_id = simple_name(&entity.service_name).to_owned();
            }
        }
        Fault::WrongPassivationTimeout => {
            let strategies = spec
                .entities
                .iter_mut()
                .filter_map(|entity| entity.passivation_strategy.as_mut());
            for strategy in strategies {
                if let Some(Strategy::Timeout(timeout)) = strategy.strategy.as_mut() {
                    timeout.timeout /= 1000;
                }
            }
        }
        _ => {}
    }
}

/// Checks the proxy's `ProxyInfo` before answering `discover`: the conforming model answers any proxy, and
/// [`Fault::DiscoverRefusesOtherVersions`] refuses one that does not announce this protocol version.
pub(crate) fn check_proxy(fault: Option<Fault>, proxy: &ProxyInfo) -> Result<(), Status> {
    let version = (proxy.protocol_major_version, proxy.protocol_minor_version);
    if fault == Some(Fault::DiscoverRefusesOtherVersions)
        && version != (PROTOCOL_MAJOR_VERSION, PROTOCOL_MINOR_VERSION)
    {
        return Err(Status::failed_precondition(format!(
            "unsupported proxy protocol version {}.{}",
            version.0, version.1
        )));
    }
    Ok(())
}

/// The last dot-separated part of a qualified name.
fn simple_name(name: &str) -> &str {
    name.rsplit_once('.').map_or(name, |(_, simple)| simple)
}

/// An encoded `FileDescriptorSet` without the file called `name`; every other file keeps its bytes.
fn without_file(set: &[u8], name: &str) -> Vec<u8> {
    let mut rest = set;
    let mut kept = Vec::with_capacity(set.len());
    while !rest.is_empty() {
        let Ok((tag, _)) = prost::encoding::decode_key(&mut rest) else {
            break;
        };
        let Ok(length) = prost::encoding::decode_varint(&mut rest) else {
            break;
        };
        let Ok(length) = usize::try_from(length) else {
            break;
        };
        if length > rest.len() {
            break;
        }
        let (file, tail) = rest.split_at(length);
        rest = tail;
        let is_left_out = prost_types::FileDescriptorProto::decode(file)
            .is_ok_and(|descriptor| descriptor.name() == name);
        if tag == 1 && !is_left_out {
            prost::encoding::bytes::encode(1, &file.to_vec(), &mut kept);
        }
    }
    kept
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::entity_spec;

    #[test]
    fn the_left_out_file_is_gone_and_the_rest_decodes() {
        let mut spec = entity_spec();
        apply(Fault::MissingDescriptorFile, &mut spec, 0);
        let pool = cloudstate_protocol::decode_descriptor_set(&spec.proto).expect("decodes");
        assert!(pool.get_file_by_name(LEFT_OUT_FILE).is_none());
        assert!(
            pool.get_file_by_name("cloudstate/tck/model/valueentity.proto")
                .is_some()
        );
    }

    #[test]
    fn only_the_faulty_model_refuses_other_proxy_versions() {
        let proxy = |major, minor| ProxyInfo {
            protocol_major_version: major,
            protocol_minor_version: minor,
            ..ProxyInfo::default()
        };
        let refusing = Some(Fault::DiscoverRefusesOtherVersions);
        for (major, minor) in [(0, 3), (1, 0)] {
            assert!(check_proxy(None, &proxy(major, minor)).is_ok());
            let refused = check_proxy(refusing, &proxy(major, minor)).map_err(|s| s.code());
            assert_eq!(refused, Err(tonic::Code::FailedPrecondition));
        }
        assert!(check_proxy(refusing, &proxy(0, 2)).is_ok());
    }

    #[test]
    fn discovery_faults_change_the_spec() {
        let reference = entity_spec();
        for fault in [
            Fault::WrongProtocolVersion,
            Fault::AnonymousSupportLibrary,
            Fault::UnqualifiedEntityType,
            Fault::WrongPersistenceId,
            Fault::WrongPassivationTimeout,
        ] {
            let mut spec = entity_spec();
            apply(fault, &mut spec, 0);
            assert_ne!(spec, reference, "{fault}");
        }
        for changing in [Fault::ReorderedDiscovery, Fault::UnstableDiscovery] {
            let mut first = entity_spec();
            apply(changing, &mut first, 0);
            let mut second = entity_spec();
            apply(changing, &mut second, 1);
            assert_eq!(first, reference, "{changing}");
            assert_ne!(second.entities, reference.entities, "{changing}");
        }
    }
}
